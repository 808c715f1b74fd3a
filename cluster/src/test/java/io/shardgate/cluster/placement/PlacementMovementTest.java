package io.shardgate.cluster.placement;

import static io.shardgate.cluster.placement.Fixtures.SLOTS;
import static io.shardgate.cluster.placement.Fixtures.allowedDeviation;
import static io.shardgate.cluster.placement.Fixtures.nodes;
import static org.assertj.core.api.Assertions.assertThat;

import io.shardgate.cluster.placement.Fixtures.Policy;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Membership changes move the minimum: an added node takes about 1/(N+1) of the primaries and only
 * for itself; a removed node gives up exactly its own. The 1/(N+1) tolerance is
 * {@link Fixtures#allowedDeviation}; the "only to the new node" properties are exact.
 */
class PlacementMovementTest {

  static Stream<Arguments> policiesAndSizes() {
    return Fixtures.policies().flatMap(p -> Stream.of(3, 4, 5, 8, 16, 32).map(n -> Arguments.of(p, n)));
  }

  @ParameterizedTest(name = "{0}: {1} -> {1}+1 nodes")
  @MethodSource("policiesAndSizes")
  void addingANodeMovesAboutOneShareAndOnlyToIt(Policy policy, int nodeCount) {
    String added = "n" + (nodeCount + 1);
    SlotTable before = policy.placement().table(SLOTS, 2, nodes(nodeCount));
    SlotTable after = policy.placement().table(SLOTS, 2, nodes(nodeCount + 1));

    int moved = 0;
    for (int slot = 0; slot < SLOTS; slot++) {
      if (!before.primary(slot).equals(after.primary(slot))) {
        moved++;
        assertThat(after.primary(slot)).as("new primary of moved slot %d", slot).isEqualTo(added);
      }
      if (!before.replicas(slot).equals(after.replicas(slot))) {
        assertThat(after.replicas(slot)).as("changed replica list of slot %d", slot).contains(added);
      }
    }

    double expected = (double) SLOTS / (nodeCount + 1);
    double allowed = allowedDeviation(expected, policy.pointsPerWeight());
    assertThat((double) moved).as("%s primaries moved", policy).isBetween(expected - allowed, expected + allowed);
  }

  @ParameterizedTest(name = "{0}: {1}+1 -> {1} nodes")
  @MethodSource("policiesAndSizes")
  void removingANodeMovesOnlyItsSlots(Policy policy, int nodeCount) {
    List<Node> members = nodes(nodeCount + 1);
    // Remove one from the middle: n1 or the last node could hide an off-by-one in ordering.
    String removed = members.remove(nodeCount / 2).id();
    SlotTable before = policy.placement().table(SLOTS, 2, nodes(nodeCount + 1));
    SlotTable after = policy.placement().table(SLOTS, 2, members);

    int moved = 0;
    int owned = 0;
    for (int slot = 0; slot < SLOTS; slot++) {
      boolean hadIt = before.primary(slot).equals(removed);
      owned += hadIt ? 1 : 0;
      if (!before.primary(slot).equals(after.primary(slot))) {
        moved++;
        assertThat(hadIt).as("slot %d moved but was not on %s", slot, removed).isTrue();
      }
      if (!before.replicas(slot).contains(removed)) {
        assertThat(after.replicas(slot)).as("replicas of slot %d, untouched by %s", slot, removed).isEqualTo(before.replicas(slot));
      }
    }

    assertThat(owned).isPositive();
    assertThat(moved).isEqualTo(owned);
  }
}
