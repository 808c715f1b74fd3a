package io.shardgate.cluster.placement;

import io.shardgate.cluster.placement.impl.RendezvousPlacement;
import io.shardgate.cluster.placement.impl.RingPlacement;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * Maps a slot to an ordered replica list over a set of member nodes. Implementations are pure
 * functions of (slot, members, weights): no clocks, no I/O, no Vert.x types, so every process that
 * sees the same membership computes the same table. The order of {@code members} never matters.
 *
 * <p>Both policies reject a negative slot, a replication factor below 1, a null member and two
 * members with the same id. See docs/placement.md for the hash definitions.
 */
public interface Placement {

  /** Ring points per unit of weight when the configuration does not say otherwise. */
  int DEFAULT_RING_VIRTUAL_NODES_PER_WEIGHT = 160;

  /** Weighted rendezvous (highest random weight) hashing: the default policy. */
  static Placement rendezvous() {
    return new RendezvousPlacement();
  }

  /** Consistent-hash ring with {@code virtualNodesPerWeight} points per unit of weight (at least 1). */
  static Placement ring(int virtualNodesPerWeight) {
    return new RingPlacement(virtualNodesPerWeight);
  }

  /** Policy by its configuration name: "rendezvous" or "ring". */
  static Placement named(String name, int ringVirtualNodesPerWeight) {
    Objects.requireNonNull(name, "placement policy name must not be null");
    return switch (name) {
      case "rendezvous" -> rendezvous();
      case "ring" -> ring(ringVirtualNodesPerWeight);
      default -> throw new IllegalArgumentException("unknown placement policy '" + name + "' (use rendezvous or ring)");
    };
  }

  /** The policy's configuration name. */
  String name();

  /**
   * The ordered replica ids for one slot: primary first, then successors. Returns
   * min(replicationFactor, members.size()) distinct ids.
   */
  List<String> replicas(int slot, int replicationFactor, Collection<Node> members);

  /**
   * Replica lists for every slot in [0, slots), computed once; {@code replicas(slot)} of the result
   * equals {@link #replicas(int, int, Collection)} for every slot.
   */
  SlotTable table(int slots, int replicationFactor, Collection<Node> members);
}
