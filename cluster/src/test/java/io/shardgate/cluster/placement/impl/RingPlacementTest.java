package io.shardgate.cluster.placement.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shardgate.cluster.placement.Node;
import java.util.List;
import org.junit.jupiter.api.Test;

class RingPlacementTest {

  @Test
  void rejectsARingTooLargeToBuild() {
    RingPlacement ring = new RingPlacement(160);
    List<Node> members = List.of(Node.of("n1"), new Node("huge", 1e9));

    assertThatThrownBy(() -> ring.table(8, 2, members))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("node huge")
        .hasMessageContaining(Integer.toString(RingPlacement.MAX_POINTS));
  }

  @Test
  void acceptsARingAtTheLimit() {
    RingPlacement ring = new RingPlacement(1);
    List<Node> members = List.of(new Node("a", RingPlacement.MAX_POINTS - 1), Node.of("b"));

    assertThat(ring.replicas(0, 2, members)).containsExactlyInAnyOrder("a", "b");
  }
}
