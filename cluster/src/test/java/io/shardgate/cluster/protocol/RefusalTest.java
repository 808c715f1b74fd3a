package io.shardgate.cluster.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RefusalTest {
  @Test
  void onlyRefusalsThatAppliedNothingAreSafeToRetryElsewhere() {
    assertThat(Refusal.NOT_PRIMARY.safeToRetry()).isTrue();
    assertThat(Refusal.NOT_SERVING.safeToRetry()).isTrue();
    assertThat(Refusal.UNACKNOWLEDGED.safeToRetry()).isFalse();
  }

  @Test
  void eachRefusalRoundTripsThroughItsHeaderValue() {
    for (Refusal r : Refusal.values()) {
      assertThat(Refusal.parse(r.code())).isEqualTo(r);
      assertThat(Refusal.parse(" " + r.code().toUpperCase() + " ")).isEqualTo(r);
    }
    assertThat(Refusal.parse(null)).isNull();
    assertThat(Refusal.parse("safe")).isNull();
  }

  @Test
  void statusesAndMetricReasonsAreStable() {
    assertThat(Refusal.NOT_PRIMARY.status()).isEqualTo(421);
    assertThat(Refusal.NOT_SERVING.status()).isEqualTo(503);
    assertThat(Refusal.UNACKNOWLEDGED.status()).isEqualTo(503);
    assertThat(Refusal.NOT_PRIMARY.reason()).isEqualTo("not_primary");
  }
}
