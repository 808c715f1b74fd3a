package io.shardgate.gateway.records;

import io.shardgate.cluster.protocol.Headers;
import io.shardgate.cluster.protocol.RecordVersions;
import io.shardgate.cluster.protocol.Refusal;
import io.shardgate.gateway.backend.BackendResponse;
import io.shardgate.gateway.backend.BackendUnavailable;
import io.shardgate.gateway.backend.Failover;
import io.shardgate.gateway.cache.CacheRead;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;

/**
 * What a shard node's answer (or the lack of one) means as a {@link RecordResult}. Pure: no I/O. The
 * record bytes are passed on as the node sent them; only an error answer's body is read, for its detail.
 */
final class NodeAnswers {
  static final String OUTCOME_UNKNOWN = "; the write may or may not have been applied";

  private NodeAnswers() {}

  /** A read's result: the cache's hit, or the shard node's answer. */
  static RecordResult read(CacheRead read) {
    CacheRead.Hit hit = read.hit();
    if (hit != null) {
      return new RecordResult.Found(hit.record(), hit.version(), hit.node(), CacheRead.Status.HIT);
    }
    BackendResponse resp = read.response();
    if (resp.status() == 200) {
      Long version = version(resp);
      if (version != null) {
        return new RecordResult.Found(resp.body(), version, resp.header(Headers.SERVED_BY), read.status());
      }
    }
    return failed(resp, false, read.status());
  }

  /** A write's result: {@code change} is what the node's success status means. */
  static RecordResult written(RecordResult.Change change, String key, BackendResponse resp) {
    if (resp.status() == acknowledged(change)) {
      Long version = version(resp);
      if (version != null) {
        Buffer record = change == RecordResult.Change.DELETED ? null : resp.body();
        return new RecordResult.Written(change, key, record, version, resp.header(Headers.SERVED_BY));
      }
    }
    return failed(resp, true, null);
  }

  /** The status a node acknowledges this change with. */
  static int acknowledged(RecordResult.Change change) {
    return switch (change) {
      case CREATED -> 201;
      case PATCHED, REPLACED -> 200;
      case DELETED -> 204;
    };
  }

  /** No node gave an answer (see {@link Failover}); for a write, a timeout or a cut connection leaves it unknown. */
  static RecordResult.Unavailable noAnswer(Throwable failure, boolean write) {
    BackendUnavailable bu = failure instanceof BackendUnavailable b ? b
        : new BackendUnavailable(BackendUnavailable.Reason.CLOSED, failure.toString());
    RecordResult.Reason reason = switch (bu.reason()) {
      case CONNECT -> RecordResult.Reason.CONNECT;
      case TIMEOUT -> RecordResult.Reason.TIMEOUT;
      case OVERLOAD -> RecordResult.Reason.OVERLOAD;
      case CLOSED -> RecordResult.Reason.CLOSED;
      case NO_LIVE_REPLICA -> RecordResult.Reason.NO_LIVE_REPLICA;
      case NO_MEMBERS -> RecordResult.Reason.NO_MEMBERS;
      case NO_PRIMARY -> RecordResult.Reason.NO_PRIMARY;
    };
    boolean unknown = write && (reason == RecordResult.Reason.TIMEOUT || reason == RecordResult.Reason.CLOSED);
    String detail = write && reason == RecordResult.Reason.TIMEOUT ? bu.getMessage() + OUTCOME_UNKNOWN : bu.getMessage();
    return new RecordResult.Unavailable(reason, detail, unknown, null, null);
  }

  /** Every answer that is not the record or the acknowledgement. */
  private static RecordResult failed(BackendResponse resp, boolean write, CacheRead.Status cache) {
    String servedBy = resp.header(Headers.SERVED_BY);
    return switch (resp.status()) {
      case 404 -> new RecordResult.NotFound(servedBy, cache);
      case 409 -> new RecordResult.Conflict(detail(resp), servedBy, false);
      case 412 -> new RecordResult.PreconditionFailed(RecordVersions.parseEtag(resp.header(Headers.ETAG)), detail(resp),
          servedBy);
      case 400 -> new RecordResult.Invalid(detail(resp), servedBy);
      case 503 -> unavailable(resp, write, cache);
      default -> new RecordResult.NodeFailed(resp.status(), detail(resp), servedBy, cache);
    };
  }

  /** A 503 the node chose: a write it did not refuse safely may have been applied. */
  private static RecordResult.Unavailable unavailable(BackendResponse resp, boolean write, CacheRead.Status cache) {
    Refusal refusal = Failover.refusalOf(resp);
    RecordResult.Reason reason = refusal == Refusal.NOT_SERVING ? RecordResult.Reason.NOT_SERVING
        : refusal == Refusal.UNACKNOWLEDGED ? RecordResult.Reason.UNACKNOWLEDGED
        : RecordResult.Reason.NODE_UNAVAILABLE;
    boolean unknown = write && (refusal == null || !refusal.safeToRetry());
    return new RecordResult.Unavailable(reason, detail(resp), unknown, resp.header(Headers.SERVED_BY), cache);
  }

  /** The version the node answered with (the codec tries the bare header before the ETag). */
  private static Long version(BackendResponse resp) {
    return RecordVersions.of(resp::header);
  }

  /** The detail of the node's problem body, or a plain statement of its status. */
  static String detail(BackendResponse resp) {
    Buffer body = resp.body();
    if (body != null && body.length() > 0) {
      try {
        if (Json.decodeValue(body) instanceof JsonObject problem && problem.getValue("detail") instanceof String d) {
          return d;
        }
      } catch (DecodeException e) {
        // not a problem body: say what is known
      }
    }
    String node = resp.header(Headers.SERVED_BY);
    return (node == null ? "the shard node" : node) + " answered " + resp.status();
  }
}
