package io.shardgate.shardnode.api;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.shardgate.cluster.http.Problem;
import io.shardgate.cluster.protocol.Headers;
import io.shardgate.cluster.security.RecordProof;
import io.shardgate.cluster.protocol.InternalPaths;
import io.shardgate.cluster.protocol.Names;
import io.shardgate.cluster.protocol.RecordVersions;
import io.shardgate.cluster.protocol.Refusal;
import io.shardgate.cluster.routing.RoutingTable;
import io.shardgate.shardnode.api.RecordMetrics.Op;
import io.shardgate.shardnode.replication.Replicator;
import io.shardgate.shardnode.replication.WriteRefused;
import io.shardgate.shardnode.store.Change;
import io.shardgate.shardnode.store.Precondition;
import io.shardgate.shardnode.store.RecordStore;
import io.shardgate.shardnode.store.StoreException;
import io.shardgate.shardnode.store.StoredRecord;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shard node's internal record API, called by gateways:
 * GET, POST (create), PUT (replace), PATCH (merge), DELETE on {@link InternalPaths#RECORD_ROUTE}.
 * Writes accept {@code If-Match: "version"} or {@code *}. Responses carry the record version in
 * {@code ETag} and {@code X-Record-Version} and the node id in {@code X-Served-By}; a refusal carries
 * its {@link Refusal} code in {@code X-Shardgate-Refusal}.
 */
public final class RecordRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(RecordRoutes.class);
  private static final String DOC = "doc";
  private static final String PRECONDITION = "precondition";

  private final String nodeId;
  private final RoutingTable routing;
  private final RecordStore store;
  private final Replicator replicator;
  private final BooleanSupplier serving;
  private final RecordMetrics metrics;

  /** One write of a record's slot under the epoch the replicator chose. */
  @FunctionalInterface
  private interface SlotWrite {
    Future<Change> apply(int slot, long epoch);
  }

  private final RecordProof proofs;

  /**
   * @param routing slots are computed by the collection's partitioner, as gateways route
   * @param serving whether this node holds its lease and has caught up: otherwise it answers 503
   */
  public RecordRoutes(String nodeId, RoutingTable routing, RecordStore store, Replicator replicator,
      BooleanSupplier serving, MeterRegistry meters, RecordProof proofs) {
    this.proofs = proofs;
    this.nodeId = nodeId;
    this.routing = routing;
    this.store = store;
    this.replicator = replicator;
    this.serving = serving;
    this.metrics = new RecordMetrics(nodeId, meters);
  }

  public void mount(Router router, int maxBodyBytes) {
    String path = InternalPaths.RECORD_ROUTE;
    router.route(path).handler(BodyHandler.create(false).setBodyLimit(maxBodyBytes));
    router.get(path).handler(ctx -> handle(ctx, Op.GET, (c, k) -> serving.getAsBoolean() ? store.get(c, k)
        : Future.failedFuture(new WriteRefused(Refusal.NOT_SERVING, nodeId + " is not serving reads now"))));
    router.post(path).handler(ctx -> withDocument(ctx, Op.CREATE,
        (c, k) -> write(c, k, (slot, epoch) -> store.create(c, k, slot, ctx.get(DOC), epoch))));
    router.put(path).handler(ctx -> withDocument(ctx, Op.REPLACE,
        (c, k) -> write(c, k, (slot, epoch) -> store.replace(c, k, ctx.get(DOC), ctx.get(PRECONDITION), epoch))));
    router.patch(path).handler(ctx -> withDocument(ctx, Op.UPDATE,
        (c, k) -> write(c, k, (slot, epoch) -> store.update(c, k, ctx.get(DOC), ctx.get(PRECONDITION), epoch))));
    router.delete(path).handler(ctx -> {
      if (precondition(ctx)) {
        handle(ctx, Op.DELETE,
            (c, k) -> write(c, k, (slot, epoch) -> store.delete(c, k, ctx.get(PRECONDITION), epoch)));
      }
    });
  }

  private Future<StoredRecord> write(String collection, String key, SlotWrite write) {
    int slot = routing.current().slotOf(collection, key);
    return replicator.write(slot, epoch -> write.apply(slot, epoch)).map(Change::record);
  }

  private void withDocument(RoutingContext ctx, Op op,
      BiFunction<String, String, Future<StoredRecord>> action) {
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
    ctx.put(DOC, doc);
    if (precondition(ctx)) {
      handle(ctx, op, action);
    }
  }

  private boolean precondition(RoutingContext ctx) {
    String ifMatch = ctx.request().getHeader(Headers.IF_MATCH);
    Precondition p;
    if (ifMatch == null) {
      p = Precondition.NONE;
    } else if (RecordVersions.isWildcard(ifMatch)) {
      p = Precondition.EXISTS;
    } else {
      Long version = RecordVersions.parseEtag(ifMatch);
      if (version == null) {
        Problem.of(400, "bad-precondition", "Bad precondition", "If-Match must be * or one \"version\" ETag")
            .send(ctx.response());
        return false;
      }
      p = Precondition.version(version);
    }
    ctx.put(PRECONDITION, p);
    return true;
  }

  private void handle(RoutingContext ctx, Op op, BiFunction<String, String, Future<StoredRecord>> action) {
    String collection = ctx.pathParam(InternalPaths.COLLECTION);
    String key = ctx.pathParam(InternalPaths.KEY);
    if (!Names.isCollection(collection) || !Names.isKey(key)) {
      Problem.badRequest("collection must be " + Names.COLLECTION_RULE + " and key " + Names.KEY_RULE)
          .send(ctx.response());
      return;
    }
    Timer.Sample sample = metrics.start();
    action.apply(collection, key).onComplete(ar -> {
      int status = ar.succeeded() ? respond(ctx, op, collection, key, ar.result())
          : fail(ctx, op, collection, key, ar.cause());
      sample.stop(metrics.timer(op, status));
    });
  }

  private int respond(RoutingContext ctx, Op op, String collection, String key, StoredRecord record) {
    HttpServerResponse response = ctx.response().putHeader(Headers.SERVED_BY, nodeId);
    if (record == null) {
      Problem.notFound(collection + "/" + key + " does not exist").send(response);
      return 404;
    }
    response.putHeader(Headers.ETAG, RecordVersions.etag(record.version()))
        .putHeader(Headers.RECORD_VERSION, Long.toString(record.version()));
    // What a gateway may put in the cache: this version with exactly these bytes (none for a delete).
    String proof = proofs.sign(collection, key, record.version(), op == Op.DELETE ? null : record.document());
    if (proof != null) {
      response.putHeader(Headers.RECORD_PROOF, proof);
    }
    if (op == Op.DELETE) {
      response.setStatusCode(204).end();
      return 204;
    }
    int status = op.success();
    response.setStatusCode(status).putHeader(Headers.CONTENT_TYPE, Headers.JSON).end(record.document());
    return status;
  }

  /**
   * The refusal's status and code; a 503 also says when to come back, and an unacknowledged write that
   * its outcome is unknown (it may have been applied, so it is not safe to retry).
   */
  private static Problem refusal(HttpServerResponse response, WriteRefused refused) {
    Refusal refusal = refused.refusal();
    response.putHeader(Headers.REFUSAL, refusal.code());
    if (refusal == Refusal.NOT_PRIMARY) {
      return Problem.of(refusal.status(), refusal.code(), "Not primary", refused.getMessage());
    }
    response.putHeader(Headers.RETRY_AFTER, "1");
    return Problem.unavailable(refusal.safeToRetry() ? refused.getMessage()
        : refused.getMessage() + "; the write may or may not have been applied");
  }

  private int fail(RoutingContext ctx, Op op, String collection, String key, Throwable cause) {
    HttpServerResponse response = ctx.response().putHeader(Headers.SERVED_BY, nodeId);
    Problem problem;
    if (cause instanceof StoreException.AlreadyExists) {
      problem = Problem.of(409, "conflict", "Conflict", collection + "/" + key + " already exists");
    } else if (cause instanceof StoreException.NotFound) {
      problem = Problem.notFound(collection + "/" + key + " does not exist");
    } else if (cause instanceof StoreException.VersionMismatch vm) {
      response.putHeader(Headers.ETAG, RecordVersions.etag(vm.current()));
      problem = Problem.of(412, "precondition-failed", "Precondition failed",
          collection + "/" + key + " is at version " + vm.current());
    } else if (cause instanceof WriteRefused refused) {
      problem = refusal(response, refused);
    } else if (cause instanceof IllegalArgumentException) {
      problem = Problem.badRequest(cause.getMessage());
    } else {
      // The store is unreachable or failing: the gateway may retry elsewhere, the client is told to retry.
      LOG.warn("{} {} failed: {}", op.label(), collection, cause.toString());
      response.putHeader(Headers.RETRY_AFTER, "1");
      problem = Problem.unavailable("storage is unavailable on " + nodeId);
    }
    problem.send(response);
    return problem.status();
  }
}
