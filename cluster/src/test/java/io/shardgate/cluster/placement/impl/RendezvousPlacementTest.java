package io.shardgate.cluster.placement.impl;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardgate.cluster.placement.Node;
import org.junit.jupiter.api.Test;

class RendezvousPlacementTest {

  /** Extreme hashes must stay strictly inside (0,1): ln(1) = 0 would make a score infinite. */
  @Test
  void unitIntervalIsOpenAtBothEnds() {
    assertThat(RendezvousPlacement.unitInterval(0L)).isGreaterThan(0.0);
    assertThat(RendezvousPlacement.unitInterval(-1L)).isLessThan(1.0);
    assertThat(RendezvousPlacement.unitInterval(Long.MIN_VALUE)).isEqualTo(0.5 + 0.5 * 0x1.0p-52);
  }

  @Test
  void scoreScalesLinearlyWithWeight() {
    double one = RendezvousPlacement.score(9, new Node("n1", 1));
    double three = RendezvousPlacement.score(9, new Node("n1", 3));

    assertThat(one).isPositive().isFinite();
    assertThat(three).isEqualTo(3 * one);
  }
}
