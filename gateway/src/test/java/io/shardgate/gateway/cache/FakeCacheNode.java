package io.shardgate.gateway.cache;

import io.shardgate.cluster.protocol.Headers;
import io.shardgate.cluster.protocol.InternalPaths;
import io.shardgate.cluster.protocol.Names;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongFunction;

/**
 * The cache node contract (docs/cache.md) on loopback, in memory and without expiry, so that the
 * gateway's side of it can be tested here; the real cache node lives in its own module. Fills and
 * invalidations can be held back to stage races.
 */
final class FakeCacheNode {
  /** A stored body, or a tombstone (null body) that refuses fills of versions up to its own. */
  record Entry(long version, Buffer body) {}

  private final Map<String, Entry> entries = new ConcurrentHashMap<>();
  private final AtomicInteger requests = new AtomicInteger();
  private final List<Long> invalidations = new CopyOnWriteArrayList<>();
  private final List<Long> ttls = new CopyOnWriteArrayList<>();
  private volatile LongFunction<Future<Void>> fillGate = v -> Future.succeededFuture();
  private volatile LongFunction<Future<Void>> invalidationGate = v -> Future.succeededFuture();
  private HttpServer server;

  Future<FakeCacheNode> start(Vertx vertx) {
    Router router = Router.router(vertx);
    router.route(InternalPaths.CACHE_ENTRY_ROUTE).handler(ctx -> {
      requests.incrementAndGet();
      if (!Names.isCollection(ctx.pathParam(InternalPaths.COLLECTION)) || !Names.isKey(ctx.pathParam(InternalPaths.KEY))) {
        ctx.response().setStatusCode(400).end();
      } else {
        ctx.next();
      }
    });
    router.get(InternalPaths.CACHE_ENTRY_ROUTE).handler(this::get);
    router.put(InternalPaths.CACHE_ENTRY_ROUTE).handler(BodyHandler.create()).handler(this::fill);
    router.delete(InternalPaths.CACHE_ENTRY_ROUTE).handler(this::invalidate);
    return vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").map(s -> {
      server = s;
      return this;
    });
  }

  int port() {
    return server.actualPort();
  }

  int requests() {
    return requests.get();
  }

  Entry entry(String collection, String key) {
    return entries.get(collection + "/" + key);
  }

  /** Versions of the invalidations applied, in order. */
  List<Long> invalidations() {
    return invalidations;
  }

  /** ttlMs of every fill and invalidation received. */
  List<Long> ttls() {
    return ttls;
  }

  /** A fill of version v is applied only once the gate's future for v completes. */
  void holdFills(LongFunction<Future<Void>> gate) {
    fillGate = gate;
  }

  void holdInvalidations(LongFunction<Future<Void>> gate) {
    invalidationGate = gate;
  }

  private void get(RoutingContext ctx) {
    Entry e = entries.get(id(ctx));
    if (e == null || e.body() == null) {
      ctx.response().setStatusCode(404).end();
    } else {
      ctx.response().putHeader(Headers.RECORD_VERSION, Long.toString(e.version()))
          .putHeader("content-type", "application/json").end(e.body());
    }
  }

  private void fill(RoutingContext ctx) {
    Long version = versionWithTtl(ctx);
    if (version == null) {
      return;
    }
    Buffer body = ctx.body().buffer();
    fillGate.apply(version).onComplete(ar -> {
      boolean[] stored = {false};
      entries.compute(id(ctx), (k, old) -> {
        if (old != null && old.version() >= version) {
          return old;
        }
        stored[0] = true;
        return new Entry(version, body);
      });
      ctx.response().setStatusCode(stored[0] ? 204 : 409).end();
    });
  }

  private void invalidate(RoutingContext ctx) {
    Long version = versionWithTtl(ctx);
    if (version == null) {
      return;
    }
    invalidationGate.apply(version).onComplete(ar -> {
      entries.compute(id(ctx), (k, old) -> new Entry(old == null ? version : Math.max(version, old.version()), null));
      invalidations.add(version);
      ctx.response().setStatusCode(204).end();
    });
  }

  private static String id(RoutingContext ctx) {
    return ctx.pathParam(InternalPaths.COLLECTION) + "/" + ctx.pathParam(InternalPaths.KEY);
  }

  /** The version of a fill or invalidation, its ttl recorded; null after answering 400 when either is missing. */
  private Long versionWithTtl(RoutingContext ctx) {
    Long version = param(ctx, InternalPaths.VERSION);
    Long ttl = param(ctx, InternalPaths.TTL_MS);
    if (version == null || ttl == null) {
      ctx.response().setStatusCode(400).end();
      return null;
    }
    ttls.add(ttl);
    return version;
  }

  private static Long param(RoutingContext ctx, String name) {
    try {
      return Long.parseLong(ctx.request().getParam(name));
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
