package io.shardgate.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RequestMetricsTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final RequestMetrics metrics = new RequestMetrics(registry);

  @Test
  void oneTimerPerOperationAndStatusReusedAcrossRequests() {
    metrics.timer("expenses.read", 200).record(1, TimeUnit.MILLISECONDS);
    metrics.timer("expenses.read", 200).record(3, TimeUnit.MILLISECONDS);
    metrics.timer("expenses.read", 404).record(2, TimeUnit.MILLISECONDS);
    metrics.timer("expenses.update", 200).record(2, TimeUnit.MILLISECONDS);

    assertThat(metrics.timer("expenses.read", 200)).isSameAs(metrics.timer("expenses.read", 200));
    assertThat(registry.get("shardgate.gateway.requests").tag("op", "expenses.read").tag("status", "200").timer().count())
        .isEqualTo(2);
    assertThat(registry.get("shardgate.gateway.requests").tag("op", "expenses.read").tag("status", "404").timer().count())
        .isEqualTo(1);
    assertThat(registry.get("shardgate.gateway.requests").timers()).hasSize(3);
  }

  @Test
  void anOutOfRangeStatusStillGetsItsOwnLabel() {
    metrics.timer("other", 999).record(1, TimeUnit.MILLISECONDS);
    metrics.timer("other", 1000).record(1, TimeUnit.MILLISECONDS);
    assertThat(registry.get("shardgate.gateway.requests").tag("status", "999").timer().count()).isEqualTo(1);
    assertThat(registry.get("shardgate.gateway.requests").tag("status", "1000").timer().count()).isEqualTo(1);
  }
}
