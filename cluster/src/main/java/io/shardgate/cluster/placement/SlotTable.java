package io.shardgate.cluster.placement;

import java.util.List;

/**
 * An immutable, precomputed slot → ordered replica list mapping; lookups are O(1) and allocate
 * nothing. Two tables are equal when every slot has the same replica list.
 */
public interface SlotTable {

  int slots();

  /** The requested replication factor; lists are shorter when there are fewer members. */
  int replicationFactor();

  /**
   * Ordered replica ids for the slot (primary first); empty when there are no members. The same
   * immutable list instance every call.
   *
   * @throws IndexOutOfBoundsException when the slot is outside [0, slots)
   */
  List<String> replicas(int slot);

  /**
   * The slot's first replica, or null when there are no members.
   *
   * @throws IndexOutOfBoundsException when the slot is outside [0, slots)
   */
  String primary(int slot);
}
