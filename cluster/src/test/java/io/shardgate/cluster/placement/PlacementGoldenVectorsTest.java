package io.shardgate.cluster.placement;

import static io.shardgate.cluster.placement.Fixtures.SLOTS;
import static io.shardgate.cluster.placement.Fixtures.fingerprint;
import static io.shardgate.cluster.placement.Fixtures.nodes;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Pins both policies. The expected lists were computed once and reproduced by an independent Python
 * implementation of the documented algorithms; if one fails, the change moves data between nodes of
 * a running cluster and must not ship as a silent upgrade.
 */
class PlacementGoldenVectorsTest {
  private static final List<Node> WEIGHTED = List.of(new Node("n1", 1), new Node("n2", 2), new Node("n3", 0.5), new Node("n4", 1.5));

  @ParameterizedTest(name = "{0} R={1} slot {2}")
  @CsvSource({
    "rendezvous, 2, 0,    n2 n5",
    "rendezvous, 2, 1,    n4 n3",
    "rendezvous, 2, 2,    n4 n2",
    "rendezvous, 2, 3,    n3 n2",
    "rendezvous, 2, 511,  n2 n4",
    "rendezvous, 2, 1023, n1 n5",
    "rendezvous, 3, 0,    n2 n5 n3",
    "rendezvous, 3, 1,    n4 n3 n5",
    "rendezvous, 3, 2,    n4 n2 n5",
    "rendezvous, 3, 3,    n3 n2 n5",
    "rendezvous, 3, 511,  n2 n4 n5",
    "rendezvous, 3, 1023, n1 n5 n2",
    "ring,       2, 0,    n4 n3",
    "ring,       2, 1,    n1 n2",
    "ring,       2, 2,    n3 n5",
    "ring,       2, 3,    n1 n5",
    "ring,       2, 511,  n2 n5",
    "ring,       2, 1023, n2 n1",
    "ring,       3, 0,    n4 n3 n5",
    "ring,       3, 1,    n1 n2 n5",
    "ring,       3, 2,    n3 n5 n1",
    "ring,       3, 3,    n1 n5 n4",
    "ring,       3, 511,  n2 n5 n3",
    "ring,       3, 1023, n2 n1 n5",
  })
  void equalWeightVectorsOverFiveNodes(String policy, int replicationFactor, int slot, String expected) {
    Placement placement = Placement.named(policy, Fixtures.RING_POINTS);
    List<String> want = Arrays.asList(expected.split(" "));

    assertThat(placement.replicas(slot, replicationFactor, nodes(5))).isEqualTo(want);
    assertThat(placement.table(SLOTS, replicationFactor, nodes(5)).replicas(slot)).isEqualTo(want);
  }

  @ParameterizedTest(name = "{0} slot {1}")
  @CsvSource({
    "rendezvous, 0, n2 n4",
    "rendezvous, 1, n4 n3",
    "rendezvous, 3, n2 n3",
    "rendezvous, 5, n2 n1",
    "rendezvous, 6, n1 n3",
    "rendezvous, 7, n1 n2",
    "ring,       0, n4 n3",
    "ring,       1, n1 n2",
    "ring,       3, n1 n4",
    "ring,       5, n1 n4",
    "ring,       6, n2 n1",
    "ring,       7, n4 n1",
  })
  void weightedVectors(String policy, int slot, String expected) {
    Placement placement = Placement.named(policy, Fixtures.RING_POINTS);

    assertThat(placement.replicas(slot, 2, WEIGHTED)).containsExactly(expected.split(" "));
  }

  /** Every slot of the n1..n5 table at once (also reproduced by the Python implementation). */
  @ParameterizedTest(name = "{0} R={1}")
  @CsvSource({
    "rendezvous, 2, ff3e57090c6a1945",
    "rendezvous, 3, bbcffbee50732683",
    "ring,       2, 9011fefd9a1dfab8",
    "ring,       3, b28c9d8b1727218f",
  })
  void wholeTableFingerprints(String policy, int replicationFactor, String expectedHex) {
    SlotTable table = Placement.named(policy, Fixtures.RING_POINTS).table(SLOTS, replicationFactor, nodes(5));

    assertThat(Long.toHexString(fingerprint(table))).isEqualTo(expectedHex);
  }
}
