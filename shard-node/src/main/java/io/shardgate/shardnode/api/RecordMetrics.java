package io.shardgate.shardnode.api;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.shardgate.cluster.protocol.Refusal;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * The record API's request timer ({@code shardgate.node.requests}) by operation and status, registered
 * at construction for every status a record call can answer, so the request path only looks one up.
 */
final class RecordMetrics {
  /** The record operations, with the status of their success. */
  enum Op {
    GET(200), CREATE(201), REPLACE(200), UPDATE(200), DELETE(204);

    private final int success;

    Op(int success) {
      this.success = success;
    }

    int success() {
      return success;
    }

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private static final int STATUSES = 600;
  /** Bad input, not found, conflict, precondition failed, the store unavailable; the refusals add theirs. */
  private static final int[] FAILURES = {400, 404, 409, 412, 503};

  private final String nodeId;
  private final MeterRegistry meters;
  private final Map<Op, Timer[]> timers = new EnumMap<>(Op.class);

  RecordMetrics(String nodeId, MeterRegistry meters) {
    this.nodeId = nodeId;
    this.meters = meters;
    for (Op op : Op.values()) {
      Timer[] byStatus = new Timer[STATUSES];
      timers.put(op, byStatus);
      byStatus[op.success()] = register(op, op.success());
      for (int status : FAILURES) {
        byStatus[status] = register(op, status);
      }
      for (Refusal refusal : Refusal.values()) {
        byStatus[refusal.status()] = register(op, refusal.status());
      }
    }
  }

  Timer.Sample start() {
    return Timer.start(meters);
  }

  Timer timer(Op op, int status) {
    Timer timer = status >= 0 && status < STATUSES ? timers.get(op)[status] : null;
    // A status no record call answers today: registered when first seen rather than dropped.
    return timer != null ? timer : register(op, status);
  }

  private Timer register(Op op, int status) {
    return Timer.builder("shardgate.node.requests").tag("node", nodeId).tag("op", op.label())
        .tag("status", Integer.toString(status)).description("Record API calls by operation and status")
        .register(meters);
  }
}
