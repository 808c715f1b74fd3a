package io.shardgate.shardnode.api;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.shardgate.cluster.http.Problem;
import io.shardgate.cluster.placement.KeyHash;
import io.shardgate.shardnode.replication.Replicator;
import io.shardgate.shardnode.replication.WriteRefused;
import io.shardgate.shardnode.store.Change;
import io.shardgate.shardnode.store.Precondition;
import io.shardgate.shardnode.store.RecordStore;
import io.shardgate.shardnode.store.StoreException;
import io.shardgate.shardnode.store.StoredRecord;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shard node's internal record API, called by gateways:
 * GET, POST (create), PUT (replace), PATCH (merge), DELETE on /records/{collection}/{key}.
 * Writes accept {@code If-Match: "version"} or {@code *}. Responses carry the record version in
 * {@code ETag} and the node id in {@code X-Served-By}.
 */
public final class RecordRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(RecordRoutes.class);
  private static final Pattern COLLECTION = Pattern.compile("[a-z0-9_-]{1,64}");
  private static final int MAX_KEY_BYTES = 255;

  private final String nodeId;
  private final int slots;
  private final RecordStore store;
  private final Replicator replicator;
  private final BooleanSupplier serving;
  private final MeterRegistry meters;

  /** @param serving whether this node holds its lease and has caught up: otherwise it answers 503 */
  public RecordRoutes(String nodeId, int slots, RecordStore store, Replicator replicator, BooleanSupplier serving,
      MeterRegistry meters) {
    this.nodeId = nodeId;
    this.slots = slots;
    this.store = store;
    this.replicator = replicator;
    this.serving = serving;
    this.meters = meters;
  }

  public void mount(Router router, int maxBodyBytes) {
    String path = "/records/:collection/:key";
    router.route(path).handler(BodyHandler.create(false).setBodyLimit(maxBodyBytes));
    router.get(path).handler(ctx -> handle(ctx, "get", (c, k) -> serving.getAsBoolean() ? store.get(c, k)
        : Future.failedFuture(new WriteRefused(WriteRefused.Reason.NOT_SERVING, nodeId + " is not serving reads now"))));
    router.post(path).handler(ctx -> withDocument(ctx, "create", (c, k) -> {
      int slot = KeyHash.slot(c, k, slots);
      return replicator.write(slot, epoch -> store.create(c, k, slot, ctx.get("doc"), epoch)).map(Change::record);
    }));
    router.put(path).handler(ctx -> withDocument(ctx, "replace", (c, k) -> replicator.write(KeyHash.slot(c, k, slots),
        epoch -> store.replace(c, k, ctx.get("doc"), ctx.get("precondition"), epoch)).map(Change::record)));
    router.patch(path).handler(ctx -> withDocument(ctx, "update", (c, k) -> replicator.write(KeyHash.slot(c, k, slots),
        epoch -> store.update(c, k, ctx.get("doc"), ctx.get("precondition"), epoch)).map(Change::record)));
    router.delete(path).handler(ctx -> {
      if (precondition(ctx)) {
        handle(ctx, "delete", (c, k) -> replicator.write(KeyHash.slot(c, k, slots),
            epoch -> store.delete(c, k, ctx.get("precondition"), epoch)).map(Change::record));
      }
    });
  }

  private void withDocument(RoutingContext ctx, String op, BiFunction<String, String, Future<StoredRecord>> action) {
    Buffer body = ctx.body().buffer();
    JsonObject doc;
    try {
      doc = body == null ? null : new JsonObject(body);
    } catch (DecodeException | ClassCastException e) {
      doc = null;
    }
    if (doc == null) {
      Problem.badRequest("body must be a JSON object").send(ctx.response());
      return;
    }
    ctx.put("doc", doc);
    if (precondition(ctx)) {
      handle(ctx, op, action);
    }
  }

  private boolean precondition(RoutingContext ctx) {
    String ifMatch = ctx.request().getHeader("if-match");
    Precondition p;
    if (ifMatch == null) {
      p = Precondition.NONE;
    } else if (ifMatch.trim().equals("*")) {
      p = Precondition.EXISTS;
    } else {
      String v = ifMatch.trim();
      if (v.startsWith("W/")) {
        v = v.substring(2);
      }
      try {
        p = Precondition.version(Long.parseLong(v.replace("\"", "")));
      } catch (NumberFormatException e) {
        Problem.of(400, "bad-precondition", "Bad precondition", "If-Match must be * or one \"version\" ETag")
            .send(ctx.response());
        return false;
      }
    }
    ctx.put("precondition", p);
    return true;
  }

  private void handle(RoutingContext ctx, String op, BiFunction<String, String, Future<StoredRecord>> action) {
    String collection = ctx.pathParam("collection");
    String key = ctx.pathParam("key");
    if (!COLLECTION.matcher(collection).matches() || key.isEmpty()
        || key.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
      Problem.badRequest("collection must match " + COLLECTION.pattern() + " and key be 1 to " + MAX_KEY_BYTES + " bytes")
          .send(ctx.response());
      return;
    }
    Timer.Sample sample = Timer.start(meters);
    action.apply(collection, key).onComplete(ar -> {
      int status = ar.succeeded() ? respond(ctx, op, ar.result()) : fail(ctx, op, collection, key, ar.cause());
      sample.stop(meters.timer("shardgate_node_requests", "node", nodeId, "op", op, "status", Integer.toString(status)));
    });
  }

  private int respond(RoutingContext ctx, String op, StoredRecord record) {
    var response = ctx.response().putHeader("X-Served-By", nodeId);
    if (record == null) {
      Problem.notFound(ctx.pathParam("collection") + "/" + ctx.pathParam("key") + " does not exist").send(response);
      return 404;
    }
    response.putHeader("ETag", "\"" + record.version() + "\"").putHeader("X-Record-Version", Long.toString(record.version()));
    if (op.equals("delete")) {
      response.setStatusCode(204).end();
      return 204;
    }
    int status = op.equals("create") ? 201 : 200;
    response.setStatusCode(status).putHeader("content-type", "application/json").end(record.document());
    return status;
  }

  /**
   * Not primary → 421 and not serving → 503, both marked safe to retry on another replica because
   * nothing was applied; unacknowledged → 503 without that mark: the write may or may not have landed.
   */
  private static Problem refusal(RoutingContext ctx, WriteRefused refused) {
    return switch (refused.reason()) {
      case NOT_PRIMARY -> {
        ctx.response().putHeader("X-Shardgate-Retry", "safe");
        yield Problem.of(421, "not-primary", "Not primary", refused.getMessage());
      }
      case NOT_SERVING -> {
        ctx.response().putHeader("X-Shardgate-Retry", "safe").putHeader("Retry-After", "1");
        yield Problem.unavailable(refused.getMessage());
      }
      case UNACKNOWLEDGED -> {
        ctx.response().putHeader("Retry-After", "1");
        yield Problem.unavailable(refused.getMessage() + "; the write may or may not have been applied");
      }
    };
  }

  private int fail(RoutingContext ctx, String op, String collection, String key, Throwable cause) {
    ctx.response().putHeader("X-Served-By", nodeId);
    Problem problem;
    if (cause instanceof StoreException.AlreadyExists) {
      problem = Problem.of(409, "conflict", "Conflict", collection + "/" + key + " already exists");
    } else if (cause instanceof StoreException.NotFound) {
      problem = Problem.notFound(collection + "/" + key + " does not exist");
    } else if (cause instanceof StoreException.VersionMismatch vm) {
      ctx.response().putHeader("ETag", "\"" + vm.current() + "\"");
      problem = Problem.of(412, "precondition-failed", "Precondition failed",
          collection + "/" + key + " is at version " + vm.current());
    } else if (cause instanceof WriteRefused refused) {
      problem = refusal(ctx, refused);
    } else if (cause instanceof IllegalArgumentException) {
      problem = Problem.badRequest(cause.getMessage());
    } else {
      // The store is unreachable or failing: the gateway may retry elsewhere, the client is told to retry.
      LOG.warn("{} {} failed: {}", op, collection, cause.toString());
      ctx.response().putHeader("Retry-After", "1");
      problem = Problem.unavailable("storage is unavailable on " + nodeId);
    }
    problem.send(ctx.response());
    return problem.status();
  }
}
