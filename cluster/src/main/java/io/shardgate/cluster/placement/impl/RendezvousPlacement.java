package io.shardgate.cluster.placement.impl;

import io.shardgate.cluster.placement.KeyHash;
import io.shardgate.cluster.placement.Node;
import io.shardgate.cluster.placement.Placement;
import io.shardgate.cluster.placement.SlotTable;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * Weighted rendezvous (highest random weight) hashing. Every node scores every slot independently;
 * the replicas are the R best scores. Adding a node can only take a slot (or a replica position) for
 * itself, and removing one only frees its own, so membership changes move the minimum of data.
 */
public final class RendezvousPlacement implements Placement {

  @Override
  public String name() {
    return "rendezvous";
  }

  @Override
  public List<String> replicas(int slot, int replicationFactor, Collection<Node> members) {
    Members.checkSlot(slot);
    Members.checkReplicationFactor(replicationFactor);
    Node[] nodes = Members.sortedById(members);
    return rank(slot, replicationFactor, nodes, new double[nodes.length], new boolean[nodes.length]);
  }

  @Override
  public SlotTable table(int slots, int replicationFactor, Collection<Node> members) {
    Members.checkSlots(slots);
    Members.checkReplicationFactor(replicationFactor);
    Node[] nodes = Members.sortedById(members);
    double[] scores = new double[nodes.length];
    boolean[] taken = new boolean[nodes.length];
    @SuppressWarnings("unchecked")
    List<String>[] lists = (List<String>[]) new List<?>[slots];
    for (int slot = 0; slot < slots; slot++) {
      lists[slot] = rank(slot, replicationFactor, nodes, scores, taken);
    }
    return new ArraySlotTable(replicationFactor, lists);
  }

  /**
   * The node with weight w and uniform draw u in (0,1) scores -w / ln(u), i.e. 1/E where E is an
   * exponential variable with rate w; the smallest of independent exponentials is node i with
   * probability w_i / sum(w), so slots land on nodes in proportion to weight.
   */
  static double score(int slot, Node node) {
    long h = KeyHash.hash64("slot:" + slot + "/node:" + node.id());
    return -node.weight() / StrictMath.log(unitInterval(h));
  }

  /**
   * Maps a hash to a double strictly inside (0,1): the top 52 bits plus one half, times 2^-52. With 53
   * bits, (2^53 - 1) + 0.5 rounds up to 2^53 and gives exactly 1.0, whose log is 0.
   */
  static double unitInterval(long hash) {
    return ((hash >>> 12) + 0.5) * 0x1.0p-52;
  }

  /**
   * Selects the best min(R, n) nodes by score, ties to the smaller id. {@code nodes} is sorted by id,
   * so keeping the earlier index on equal scores is the id tie-break. StrictMath keeps the log (and so
   * the table) bit-identical across JVMs; Math.log may be an intrinsic that differs in the last ulp.
   */
  private static List<String> rank(int slot, int replicationFactor, Node[] nodes, double[] scores, boolean[] taken) {
    int count = Math.min(replicationFactor, nodes.length);
    for (int i = 0; i < nodes.length; i++) {
      scores[i] = score(slot, nodes[i]);
    }
    Arrays.fill(taken, false);
    String[] chosen = new String[count];
    for (int rank = 0; rank < count; rank++) {
      int best = -1;
      for (int i = 0; i < nodes.length; i++) {
        if (!taken[i] && (best < 0 || scores[i] > scores[best])) {
          best = i;
        }
      }
      taken[best] = true;
      chosen[rank] = nodes[best].id();
    }
    return List.of(chosen);
  }
}
