package io.shardgate.cluster.placement;

import static io.shardgate.cluster.placement.Fixtures.SLOTS;
import static io.shardgate.cluster.placement.Fixtures.allowedDeviation;
import static io.shardgate.cluster.placement.Fixtures.nodes;
import static io.shardgate.cluster.placement.Fixtures.primaryCounts;
import static org.assertj.core.api.Assertions.assertThat;

import io.shardgate.cluster.placement.Fixtures.Policy;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Primary slots spread evenly, and in proportion to weight. Bounds: see {@link Fixtures#DEVIATIONS}. */
class PlacementBalanceTest {

  static Stream<Arguments> policiesAndSizes() {
    return Fixtures.policies().flatMap(p -> Stream.of(3, 4, 5, 8, 16, 32, 64).map(n -> Arguments.of(p, n)));
  }

  @ParameterizedTest(name = "{0} over {1} nodes")
  @MethodSource("policiesAndSizes")
  void equalWeightsGetEqualShares(Policy policy, int nodeCount) {
    Map<String, Integer> counts = primaryCounts(policy.placement().table(SLOTS, 2, nodes(nodeCount)));
    double mean = (double) SLOTS / nodeCount;
    double allowed = allowedDeviation(mean, policy.pointsPerWeight());

    for (Node node : nodes(nodeCount)) {
      assertThat((double) counts.getOrDefault(node.id(), 0))
          .as("%s primaries of %s, mean %.1f", policy, node.id(), mean)
          .isBetween(mean - allowed, mean + allowed);
    }
  }

  static Stream<Arguments> policiesAndHeavySizes() {
    return Fixtures.policies().flatMap(p -> Stream.of(3, 4, 5, 8, 16).map(n -> Arguments.of(p, n)));
  }

  /** Total weight is N + 1, so the heavy node expects 2/(N+1) of the slots. */
  @ParameterizedTest(name = "{0}: weight 2 among {1} nodes")
  @MethodSource("policiesAndHeavySizes")
  void doubleWeightGetsDoubleShare(Policy policy, int nodeCount) {
    List<Node> members = nodes(nodeCount - 1);
    members.add(new Node("heavy", 2.0));
    Map<String, Integer> counts = primaryCounts(policy.placement().table(SLOTS, 2, members));
    double expected = SLOTS * 2.0 / (nodeCount + 1);
    double allowed = allowedDeviation(expected, 2 * policy.pointsPerWeight());

    assertThat((double) counts.get("heavy"))
        .as("%s primaries of the weight-2 node", policy)
        .isBetween(expected - allowed, expected + allowed);
    // With weights ignored the heavy node would expect SLOTS / N; make sure the bound tells them apart.
    assertThat(Math.abs(SLOTS / (double) nodeCount - expected)).as("bound too loose to detect ignored weights").isGreaterThan(allowed);
  }
}
