package io.shardgate.cachenode.api;

import io.shardgate.cachenode.store.CacheLimits;
import io.shardgate.cachenode.store.VersionedCache;
import io.shardgate.cluster.http.Problem;
import io.shardgate.cluster.protocol.Headers;
import io.shardgate.cluster.protocol.InternalPaths;
import io.shardgate.cluster.protocol.Names;
import io.shardgate.cluster.protocol.RecordVersions;
import io.shardgate.cluster.security.RecordProof;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.Optional;

/**
 * The cache node's HTTP API (see docs/cache.md): read, fill-if-newer and invalidate one key, and the
 * store's counters. Bodies travel as the bytes the gateway filled; nothing is parsed or re-encoded. A
 * fill or a tombstone is stored only with a shard node's proof of that version and those bytes.
 */
public final class CacheRoutes {

  private final VersionedCache cache;
  private final CacheLimits limits;
  private final RecordProof proofs;
  private final Counter unproven;

  private CacheRoutes(VersionedCache cache, CacheLimits limits, RecordProof proofs, Counter unproven) {
    this.cache = cache;
    this.limits = limits;
    this.proofs = proofs;
    this.unproven = unproven;
  }

  /** @param unproven counts fills and invalidations refused for want of a valid proof */
  public static void mount(Router router, VersionedCache cache, CacheLimits limits, RecordProof proofs, Counter unproven) {
    CacheRoutes routes = new CacheRoutes(cache, limits, proofs, unproven);
    router.get(InternalPaths.CACHE_STATS).handler(routes::stats);
    router.get(InternalPaths.CACHE_ENTRY_ROUTE).handler(routes::get);
    router.put(InternalPaths.CACHE_ENTRY_ROUTE)
        .handler(BodyHandler.create(false).setBodyLimit(limits.maxEntryBytes()))
        .handler(routes::fill);
    router.delete(InternalPaths.CACHE_ENTRY_ROUTE).handler(routes::invalidate);
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
        .putHeader(Headers.RECORD_VERSION, Long.toString(hit.get().version()))
        .putHeader(Headers.CONTENT_TYPE, Headers.JSON)
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
    if (!proven(ctx, id, at, body)) {
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
    if (at == null || !proven(ctx, id, at, null)) {
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

  /** Whether a shard node answered this version with these bytes; else answers 403 and counts it. */
  private boolean proven(RoutingContext ctx, CacheKey id, Versioned at, Buffer body) {
    if (proofs.verify(ctx.request().getHeader(Headers.RECORD_PROOF), id.collection, id.key, at.version, body)) {
      return true;
    }
    unproven.increment();
    Problem.of(403, "unproven-version", "Version not answered by a shard node", "no valid " + Headers.RECORD_PROOF
        + " for version " + at.version + " of " + id.collection + "/" + id.key + ": the cache stores only what a shard node answered")
        .send(ctx.response());
    return false;
  }

  private record CacheKey(String collection, String key) {}

  private record Versioned(long version, long ttlMs) {}

  /** The path's collection and key, or null after answering 400. */
  private static CacheKey cacheKey(RoutingContext ctx) {
    String collection = ctx.pathParam(InternalPaths.COLLECTION);
    String key = ctx.pathParam(InternalPaths.KEY);
    if (!Names.isCollection(collection)) {
      return badRequest(ctx, "collection must be " + Names.COLLECTION_RULE);
    }
    if (!Names.isKey(key)) {
      return badRequest(ctx, "key must be " + Names.KEY_RULE);
    }
    return new CacheKey(collection, key);
  }

  /** The version and TTL from the query, or null after answering 400. */
  private Versioned versioned(RoutingContext ctx) {
    MultiMap query = ctx.queryParams();
    Long version = RecordVersions.parse(query.get(InternalPaths.VERSION));
    if (version == null || version < 1) {
      return badRequest(ctx, "version must be a positive integer, got '" + query.get(InternalPaths.VERSION) + "'");
    }
    String ttlText = query.get(InternalPaths.TTL_MS);
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
