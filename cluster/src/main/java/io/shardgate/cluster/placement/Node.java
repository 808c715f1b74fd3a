package io.shardgate.cluster.placement;

import java.util.Objects;

/** A member as placement sees it: a stable id and a positive weight. */
public record Node(String id, double weight) {
  public Node {
    Objects.requireNonNull(id, "id");
    if (id.isEmpty()) {
      throw new IllegalArgumentException("node id must not be empty");
    }
    if (!(weight > 0) || Double.isInfinite(weight)) {
      throw new IllegalArgumentException("node " + id + ": weight must be a positive finite number, got " + weight);
    }
  }

  public static Node of(String id) {
    return new Node(id, 1.0);
  }
}
