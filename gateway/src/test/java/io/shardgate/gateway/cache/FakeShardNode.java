package io.shardgate.gateway.cache;

import io.shardgate.cluster.http.Problem;
import io.shardgate.cluster.protocol.Headers;
import io.shardgate.cluster.protocol.InternalPaths;
import io.shardgate.cluster.protocol.RecordVersions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A shard node's record API on loopback, in memory, for the gateway tests: GET, POST (create), PATCH
 * (merge, next version) and DELETE (tombstone at the next version), answering with ETag and
 * X-Record-Version as the real node does. Versions per key only grow, across deletes too.
 */
final class FakeShardNode {
  private record Stored(long version, JsonObject document) {}

  private final Map<String, Stored> records = new ConcurrentHashMap<>();
  private final AtomicInteger reads = new AtomicInteger();
  private volatile Supplier<Future<Void>> readGate = Future::succeededFuture;
  private HttpServer server;

  Future<FakeShardNode> start(Vertx vertx) {
    Router router = Router.router(vertx);
    router.get(InternalPaths.RECORD_ROUTE).handler(this::read);
    router.post(InternalPaths.RECORD_ROUTE).handler(BodyHandler.create()).handler(this::create);
    router.patch(InternalPaths.RECORD_ROUTE).handler(BodyHandler.create()).handler(this::update);
    router.delete(InternalPaths.RECORD_ROUTE).handler(this::delete);
    return vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").map(s -> {
      server = s;
      return this;
    });
  }

  int port() {
    return server.actualPort();
  }

  /** GET requests received so far. */
  int reads() {
    return reads.get();
  }

  /** Reads answer only once the gate's future completes (with the state they saw on arrival). */
  void holdReads(Supplier<Future<Void>> gate) {
    readGate = gate;
  }

  void put(String key, JsonObject document) {
    records.compute(key, (k, old) -> new Stored(old == null ? 1 : old.version() + 1, document));
  }

  private void read(RoutingContext ctx) {
    reads.incrementAndGet();
    Stored seen = records.get(ctx.pathParam(InternalPaths.KEY));
    readGate.get().onComplete(ar -> {
      if (seen == null || seen.document() == null) {
        ctx.response().setStatusCode(404).putHeader(Headers.CONTENT_TYPE, Problem.CONTENT_TYPE).end("{\"status\":404}");
      } else {
        answer(ctx, 200, seen);
      }
    });
  }

  private void create(RoutingContext ctx) {
    String key = ctx.pathParam(InternalPaths.KEY);
    JsonObject doc = ctx.body().asJsonObject();
    boolean[] conflict = {false};
    Stored now = records.compute(key, (k, old) -> {
      if (old != null && old.document() != null) {
        conflict[0] = true;
        return old;
      }
      return new Stored(old == null ? 1 : old.version() + 1, doc);
    });
    if (conflict[0]) {
      ctx.response().setStatusCode(409).end();
    } else {
      answer(ctx, 201, now);
    }
  }

  private void update(RoutingContext ctx) {
    JsonObject patch = ctx.body().asJsonObject();
    Stored now = records.computeIfPresent(ctx.pathParam(InternalPaths.KEY), (k, old) -> old.document() == null ? old
        : new Stored(old.version() + 1, old.document().copy().mergeIn(patch)));
    if (now == null || now.document() == null) {
      ctx.response().setStatusCode(404).end();
    } else {
      answer(ctx, 200, now);
    }
  }

  private void delete(RoutingContext ctx) {
    Stored now = records.computeIfPresent(ctx.pathParam(InternalPaths.KEY), (k, old) -> old.document() == null ? old
        : new Stored(old.version() + 1, null));
    if (now == null) {
      ctx.response().setStatusCode(404).end();
    } else {
      answer(ctx, 204, now);
    }
  }

  private static void answer(RoutingContext ctx, int status, Stored record) {
    HttpServerResponse response = ctx.response().setStatusCode(status).putHeader(Headers.SERVED_BY, "shard-1")
        .putHeader(Headers.ETAG, RecordVersions.etag(record.version()))
        .putHeader(Headers.RECORD_VERSION, Long.toString(record.version()));
    if (record.document() == null) {
      response.end();
    } else {
      response.putHeader(Headers.CONTENT_TYPE, Headers.JSON).end(record.document().toBuffer());
    }
  }
}
