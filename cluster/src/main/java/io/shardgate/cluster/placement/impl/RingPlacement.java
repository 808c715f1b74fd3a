package io.shardgate.cluster.placement.impl;

import io.shardgate.cluster.placement.HashRing;
import io.shardgate.cluster.placement.KeyHash;
import io.shardgate.cluster.placement.Node;
import io.shardgate.cluster.placement.Placement;
import io.shardgate.cluster.placement.SlotTable;
import java.util.Collection;
import java.util.List;

/**
 * Consistent hashing with virtual nodes: node {@code id} of weight w owns max(1, round(v * w)) points
 * at hash64(id + "#" + i); slot s sits at hash64("slot:" + s) and its replicas are the distinct nodes
 * met walking clockwise from the first point strictly after it. Positions compare as unsigned longs.
 */
public final class RingPlacement implements Placement {
  /** Caps the ring's memory (a few tens of bytes per point) against a mistyped weight. */
  static final int MAX_POINTS = 1 << 20;

  private final int virtualNodesPerWeight;

  public RingPlacement(int virtualNodesPerWeight) {
    if (virtualNodesPerWeight < 1) {
      throw new IllegalArgumentException("ring virtual nodes per weight must be at least 1, got " + virtualNodesPerWeight);
    }
    this.virtualNodesPerWeight = virtualNodesPerWeight;
  }

  public int virtualNodesPerWeight() {
    return virtualNodesPerWeight;
  }

  @Override
  public String name() {
    return "ring";
  }

  @Override
  public List<String> replicas(int slot, int replicationFactor, Collection<Node> members) {
    Members.checkSlot(slot);
    Members.checkReplicationFactor(replicationFactor);
    return ring(members).successors(slotLabel(slot), replicationFactor);
  }

  @Override
  public SlotTable table(int slots, int replicationFactor, Collection<Node> members) {
    Members.checkSlots(slots);
    Members.checkReplicationFactor(replicationFactor);
    HashRing<Long> ring = ring(members);
    @SuppressWarnings("unchecked")
    List<String>[] lists = (List<String>[]) new List<?>[slots];
    for (int slot = 0; slot < slots; slot++) {
      lists[slot] = ring.successors(slotLabel(slot), replicationFactor);
    }
    return new ArraySlotTable(replicationFactor, lists);
  }

  private HashRing<Long> ring(Collection<Node> members) {
    Node[] nodes = Members.sortedById(members);
    long total = 0;
    int[] points = new int[nodes.length];
    for (int i = 0; i < nodes.length; i++) {
      long wanted = Math.max(1L, Math.round(virtualNodesPerWeight * nodes[i].weight()));
      total += Math.min(wanted, MAX_POINTS + 1L);
      if (total > MAX_POINTS) {
        throw new IllegalArgumentException("ring would need more than " + MAX_POINTS + " points (node " + nodes[i].id()
            + " has weight " + nodes[i].weight() + " at " + virtualNodesPerWeight + " points per weight); lower the weights");
      }
      points[i] = (int) wanted;
    }
    HashRing.Builder<Long> builder = HashRing.<Long>builder(label -> KeyHash.hash64(label), Long::compareUnsigned);
    for (int i = 0; i < nodes.length; i++) {
      builder.node(nodes[i].id(), points[i]);
    }
    return builder.build();
  }

  private static String slotLabel(int slot) {
    return "slot:" + slot;
  }
}
