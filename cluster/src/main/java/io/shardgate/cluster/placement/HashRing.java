package io.shardgate.cluster.placement;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * An immutable consistent-hash ring over points of type {@code P}. A position function maps strings
 * (point labels and keys) onto the ring and a comparator orders positions; a key is owned by the
 * first point strictly greater than the key's position, wrapping past the largest point to the
 * smallest. Points at equal positions are ordered by node id, so the ring does not depend on the
 * order nodes were added in.
 *
 * <p>{@link Placement#ring(int)} uses it with 64-bit unsigned positions; with MD5 positions and one
 * point per node it reproduces the classic client-side sharding ring.
 *
 * @param <P> the ring position type
 */
public final class HashRing<P> {
  private final Function<? super String, ? extends P> position;
  private final Comparator<? super P> order;
  private final List<P> positions;
  private final String[] owners;
  private final int nodeCount;

  private HashRing(Builder<P> builder) {
    this.position = builder.position;
    this.order = builder.order;
    List<Point<P>> points = new ArrayList<>(builder.points);
    Comparator<Point<P>> byPosition = (a, b) -> builder.order.compare(a.position, b.position);
    points.sort(byPosition.thenComparing(p -> p.node));
    List<P> sortedPositions = new ArrayList<>(points.size());
    this.owners = new String[points.size()];
    for (int i = 0; i < points.size(); i++) {
      sortedPositions.add(points.get(i).position);
      owners[i] = points.get(i).node;
    }
    this.positions = List.copyOf(sortedPositions);
    this.nodeCount = builder.nodes.size();
  }

  /**
   * Starts a ring whose positions come from {@code position} and are compared with {@code order}
   * (e.g. {@code Long::compareUnsigned} for 64-bit hashes).
   */
  public static <P> Builder<P> builder(Function<? super String, ? extends P> position, Comparator<? super P> order) {
    return new Builder<>(position, order);
  }

  /** The ring position of a key or label. */
  public P position(String key) {
    Objects.requireNonNull(key, "key");
    return Objects.requireNonNull(position.apply(key), () -> "position function returned null for '" + key + "'");
  }

  /** The node owning {@code key}, or null when the ring is empty. */
  public String owner(String key) {
    return ownerAt(position(key));
  }

  /** The node owning a position: the first point strictly greater, wrapping; null when empty. */
  public String ownerAt(P keyPosition) {
    return owners.length == 0 ? null : owners[firstPointAfter(keyPosition)];
  }

  /** Up to {@code count} distinct nodes met walking clockwise from {@code key}'s owner. */
  public List<String> successors(String key, int count) {
    return successorsAt(position(key), count);
  }

  /** Up to {@code count} distinct nodes met walking clockwise from the owner of a position. */
  public List<String> successorsAt(P keyPosition, int count) {
    if (count < 1) {
      throw new IllegalArgumentException("count must be at least 1, got " + count);
    }
    int wanted = Math.min(count, nodeCount);
    if (wanted == 0) {
      return List.of();
    }
    // Insertion-ordered set: the walk order is the replica order.
    Set<String> found = new LinkedHashSet<>();
    int start = firstPointAfter(keyPosition);
    for (int step = 0; step < owners.length && found.size() < wanted; step++) {
      found.add(owners[(start + step) % owners.length]);
    }
    return List.copyOf(found);
  }

  /** Number of points on the ring. */
  public int points() {
    return owners.length;
  }

  /** Number of distinct nodes on the ring. */
  public int nodes() {
    return nodeCount;
  }

  private int firstPointAfter(P keyPosition) {
    Objects.requireNonNull(keyPosition, "position");
    int low = 0;
    int high = owners.length;
    while (low < high) {
      int mid = (low + high) >>> 1;
      if (order.compare(positions.get(mid), keyPosition) > 0) {
        high = mid;
      } else {
        low = mid + 1;
      }
    }
    return low == owners.length ? 0 : low;
  }

  /** Collects nodes and their points; each node is added once. */
  public static final class Builder<P> {
    private final Function<? super String, ? extends P> position;
    private final Comparator<? super P> order;
    private final List<Point<P>> points = new ArrayList<>();
    private final Set<String> nodes = new HashSet<>();

    private Builder(Function<? super String, ? extends P> position, Comparator<? super P> order) {
      this.position = Objects.requireNonNull(position, "position");
      this.order = Objects.requireNonNull(order, "order");
    }

    /** Adds a node with one point at the position of its id. */
    public Builder<P> node(String id) {
      return points(id, List.of(id));
    }

    /** Adds a node with {@code count} points at the positions of {@code id + "#" + i}, i in [0, count). */
    public Builder<P> node(String id, int count) {
      if (count < 1) {
        throw new IllegalArgumentException("node " + id + ": point count must be at least 1, got " + count);
      }
      String[] labels = new String[count];
      for (int i = 0; i < count; i++) {
        labels[i] = id + "#" + i;
      }
      return points(id, Arrays.asList(labels));
    }

    /** Adds a node with one point per label, at the position of each label. */
    public Builder<P> points(String id, List<String> labels) {
      Objects.requireNonNull(id, "node id");
      if (labels.isEmpty()) {
        throw new IllegalArgumentException("node " + id + ": needs at least one point");
      }
      if (!nodes.add(id)) {
        throw new IllegalArgumentException("duplicate node id '" + id + "' on the ring");
      }
      for (String label : labels) {
        P at = Objects.requireNonNull(position.apply(label), () -> "position function returned null for '" + label + "'");
        points.add(new Point<>(at, id));
      }
      return this;
    }

    public HashRing<P> build() {
      return new HashRing<>(this);
    }
  }

  private record Point<P>(P position, String node) {}
}
