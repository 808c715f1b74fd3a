package io.shardgate.gateway.backend;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;

/**
 * The Micrometer side of {@link NodeStats} and {@link FailoverStats}: every counter is registered here,
 * once, for each value of its closed set of labels, so a request only increments.
 */
public final class BackendMetrics implements NodeStats, FailoverStats {
  private final Map<BackendUnavailable.Reason, Counter> noAnswer = new EnumMap<>(BackendUnavailable.Reason.class);
  private final Counter[][] movedOn = new Counter[Failover.Op.values().length][Failover.MoveReason.values().length];

  public BackendMetrics(MeterRegistry meters) {
    // Only these come from a call; the others are failover's verdicts, counted as unavailable answers.
    for (BackendUnavailable.Reason reason : EnumSet.range(BackendUnavailable.Reason.CONNECT, BackendUnavailable.Reason.CLOSED)) {
      noAnswer.put(reason, Counter.builder("shardgate.gateway.backend.errors").tag("reason", reason.tag())
          .description("Calls to shard nodes that got no answer").register(meters));
    }
    for (Failover.Op op : Failover.Op.values()) {
      for (Failover.MoveReason reason : Failover.MoveReason.values()) {
        movedOn[op.ordinal()][reason.ordinal()] = Counter.builder("shardgate.gateway.failovers").tag("op", op.tag())
            .tag("reason", reason.tag()).description("Requests moved on to another replica").register(meters);
      }
    }
  }

  @Override
  public void noAnswer(BackendUnavailable.Reason reason) {
    noAnswer.get(reason).increment();
  }

  @Override
  public void movedOn(Failover.Op op, Failover.MoveReason reason) {
    movedOn[op.ordinal()][reason.ordinal()].increment();
  }
}
