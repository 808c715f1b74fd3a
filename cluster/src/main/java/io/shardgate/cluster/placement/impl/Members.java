package io.shardgate.cluster.placement.impl;

import io.shardgate.cluster.placement.Node;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.Objects;

/** Argument checks shared by the policies, so both fail the same way on the same bad input. */
final class Members {
  private Members() {}

  /**
   * The members sorted by id. Sorting makes every later step independent of the caller's collection
   * order; a duplicate id is rejected because two weights for one node have no meaning.
   */
  static Node[] sortedById(Collection<Node> members) {
    Objects.requireNonNull(members, "members must not be null");
    Node[] nodes = members.toArray(new Node[0]);
    for (Node node : nodes) {
      Objects.requireNonNull(node, "members must not contain null");
    }
    Arrays.sort(nodes, Comparator.comparing(Node::id));
    for (int i = 1; i < nodes.length; i++) {
      if (nodes[i].id().equals(nodes[i - 1].id())) {
        throw new IllegalArgumentException("duplicate node id '" + nodes[i].id() + "' in members");
      }
    }
    return nodes;
  }

  static void checkSlots(int slots) {
    if (slots <= 0) {
      throw new IllegalArgumentException("slots must be positive, got " + slots);
    }
  }

  static void checkSlot(int slot) {
    if (slot < 0) {
      throw new IllegalArgumentException("slot must not be negative, got " + slot);
    }
  }

  static void checkReplicationFactor(int replicationFactor) {
    if (replicationFactor < 1) {
      throw new IllegalArgumentException("replication factor must be at least 1, got " + replicationFactor);
    }
  }
}
