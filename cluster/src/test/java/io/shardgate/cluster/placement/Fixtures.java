package io.shardgate.cluster.placement;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Member lists, counting and the two policies, shared by the placement tests. */
final class Fixtures {
  static final int SLOTS = 1024;
  static final int RING_POINTS = Placement.DEFAULT_RING_VIRTUAL_NODES_PER_WEIGHT;

  private Fixtures() {}

  /**
   * A policy under test plus the points a weight-1 node has, which sets how far its share can wander
   * from the ideal: infinite for rendezvous (no arc-length noise), v for the ring.
   */
  record Policy(Placement placement, double pointsPerWeight) {
    @Override
    public String toString() {
      return placement.name();
    }
  }

  static Stream<Policy> policies() {
    return Stream.of(new Policy(Placement.rendezvous(), Double.POSITIVE_INFINITY), new Policy(Placement.ring(RING_POINTS), RING_POINTS));
  }

  /**
   * How many standard deviations a count may stray from its expectation. A node's slot count is
   * binomial (variance at most the mean); on the ring, the node's arc share adds a relative standard
   * deviation of about 1/sqrt(points), i.e. variance mean^2 / points. At four deviations a correct
   * hash would trip one of the ~290 counts these tests check with a chance of about 2%, while a broken
   * hash or an ignored weight lands far outside. The tables are deterministic, so a test that passes
   * once passes forever; docs/placement.md lists the measured worst cases (2.75 deviations for
   * rendezvous, 3.07 for the ring).
   */
  static final double DEVIATIONS = 4.0;

  /** The largest accepted |count - expected| for a node with {@code points} ring points. */
  static double allowedDeviation(double expected, double points) {
    return DEVIATIONS * Math.sqrt(expected + expected * expected / points);
  }

  /** Equal-weight nodes n1..nN. */
  static List<Node> nodes(int count) {
    List<Node> nodes = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      nodes.add(Node.of("n" + i));
    }
    return nodes;
  }

  static Map<String, Integer> primaryCounts(SlotTable table) {
    Map<String, Integer> counts = new HashMap<>();
    for (int slot = 0; slot < table.slots(); slot++) {
      counts.merge(table.primary(slot), 1, Integer::sum);
    }
    return counts;
  }

  /** hash64 of "slot=id,id\n" for every slot: pins a whole table in one number. */
  static long fingerprint(SlotTable table) {
    StringBuilder text = new StringBuilder();
    for (int slot = 0; slot < table.slots(); slot++) {
      text.append(slot).append('=').append(String.join(",", table.replicas(slot))).append('\n');
    }
    return KeyHash.hash64(text.toString());
  }
}
