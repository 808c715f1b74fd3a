package io.shardgate.cachenode.api;

import io.shardgate.cachenode.store.CacheLimits;
import io.shardgate.cachenode.store.VersionedCache;
import io.shardgate.cluster.http.Problem;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The cache node's HTTP API (see docs/cache.md): read, fill-if-newer and invalidate one key, and the
 * store's counters. Bodies travel as the bytes the gateway filled; nothing is parsed or re-encoded.
 */
public final class CacheRoutes {
  public static final String VERSION_HEADER = "X-Record-Version";
  private static final Pattern COLLECTION = Pattern.compile("[a-z0-9_-]{1,64}");
  private static final int MAX_KEY_BYTES = 255;

  private final VersionedCache cache;
  private final CacheLimits limits;

  private CacheRoutes(VersionedCache cache, CacheLimits limits) {
    this.cache = cache;
    this.limits = limits;
  }

  public static void mount(Router router, VersionedCache cache, CacheLimits limits) {
    CacheRoutes routes = new CacheRoutes(cache, limits);
    router.get("/cache/stats").handler(routes::stats);
    router.get("/cache/:collection/:key").handler(routes::get);
    router.put("/cache/:collection/:key")
        .handler(BodyHandler.create(false).setBodyLimit(limits.maxEntryBytes()))
        .handler(routes::fill);
    router.delete("/cache/:collection/:key").handler(routes::invalidate);
  }

  private void get(RoutingContext ctx) {
    CacheKey id = cacheKey(ctx);
    if (id == null) {
      return;
    }
    Optional<VersionedCache.Hit> hit = cache.get(id.collection, id.key);
    if (hit.isEmpty()) {
      ctx.response().setStatusCode(404).end();
      return;
    }
    ctx.response()
        .putHeader(VERSION_HEADER, Long.toString(hit.get().version()))
        .putHeader("content-type", "application/json")
        .end(hit.get().body());
  }

  private void fill(RoutingContext ctx) {
    CacheKey id = cacheKey(ctx);
    Versioned at = id == null ? null : versioned(ctx);
    if (at == null) {
      return;
    }
    Buffer body = ctx.body().buffer();
    if (body == null || body.length() == 0) {
      badRequest(ctx, "a fill needs the record as its body");
      return;
    }
    if (cache.fillIfNewer(id.collection, id.key, at.version, body, at.ttlMs)) {
      ctx.response().setStatusCode(204).end();
    } else {
      Problem.of(409, "conflict", "Stale cache fill",
          "the cache holds version " + at.version + " or a newer one, or a tombstone of it").send(ctx.response());
    }
  }

  private void invalidate(RoutingContext ctx) {
    CacheKey id = cacheKey(ctx);
    Versioned at = id == null ? null : versioned(ctx);
    if (at == null) {
      return;
    }
    cache.invalidate(id.collection, id.key, at.version, at.ttlMs);
    ctx.response().setStatusCode(204).end();
  }

  private void stats(RoutingContext ctx) {
    VersionedCache.Stats s = cache.stats();
    ctx.json(new JsonObject()
        .put("entries", s.entries())
        .put("bytes", s.bytes())
        .put("maxBytes", s.maxBytes())
        .put("hits", s.hits())
        .put("misses", s.misses())
        .put("fills", s.fills())
        .put("staleFillsRejected", s.staleFillsRejected())
        .put("invalidations", s.invalidations())
        .put("evictions", s.evictions()));
  }

  private record CacheKey(String collection, String key) {}

  private record Versioned(long version, long ttlMs) {}

  /** The path's collection and key, or null after answering 400. */
  private static CacheKey cacheKey(RoutingContext ctx) {
    String collection = ctx.pathParam("collection");
    String key = ctx.pathParam("key");
    if (!COLLECTION.matcher(collection).matches()) {
      return badRequest(ctx, "collection must match " + COLLECTION.pattern());
    }
    int keyBytes = key.getBytes(StandardCharsets.UTF_8).length;
    if (keyBytes < 1 || keyBytes > MAX_KEY_BYTES) {
      return badRequest(ctx, "key must be 1.." + MAX_KEY_BYTES + " UTF-8 bytes, got " + keyBytes);
    }
    return new CacheKey(collection, key);
  }

  /** The version and TTL from the query, or null after answering 400. */
  private Versioned versioned(RoutingContext ctx) {
    MultiMap query = ctx.queryParams();
    long version = parseLong(query.get("version"));
    if (version < 1) {
      return badRequest(ctx, "version must be a positive integer, got '" + query.get("version") + "'");
    }
    String ttlText = query.get("ttlMs");
    long ttlMs = ttlText == null ? limits.defaultTtlMs() : parseLong(ttlText);
    if (ttlMs < 1 || ttlMs > CacheLimits.MAX_TTL_MS) {
      return badRequest(ctx, "ttlMs must be in 1.." + CacheLimits.MAX_TTL_MS + ", got '" + ttlText + "'");
    }
    return new Versioned(version, ttlMs);
  }

  /** The number, or -1 when absent or not a decimal long. */
  private static long parseLong(String text) {
    if (text == null) {
      return -1;
    }
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static <T> T badRequest(RoutingContext ctx, String detail) {
    Problem.badRequest(detail).send(ctx.response());
    return null;
  }
}
