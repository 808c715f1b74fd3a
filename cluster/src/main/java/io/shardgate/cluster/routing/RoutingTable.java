package io.shardgate.cluster.routing;

import io.shardgate.cluster.membership.MembershipView;
import io.shardgate.cluster.placement.Placement;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Holds the current {@link Routing} for the whole process. Membership changes swap in a new
 * snapshot; the request path reads it with one volatile load, so routing a request is O(1).
 */
public final class RoutingTable {
  private final Placement placement;
  private final int replicationFactor;
  private final AtomicReference<Routing> current;

  public RoutingTable(Placement placement, int slots, int replicationFactor) {
    this(placement, slots, replicationFactor, Map.of());
  }

  /** @param partitioners per collection; a collection not named here uses the shared hash slots */
  public RoutingTable(Placement placement, int slots, int replicationFactor, Map<String, Partitioner> partitioners) {
    this.placement = placement;
    this.replicationFactor = replicationFactor;
    this.current = new AtomicReference<>(
        Routing.compute(placement, slots, replicationFactor, MembershipView.EMPTY, 0, partitioners));
  }

  public Routing current() {
    return current.get();
  }

  /** Called by the membership watcher (one thread at a time) when the view changed. */
  public void update(MembershipView view) {
    current.updateAndGet(r -> r.withView(placement, replicationFactor, view));
  }

  public Placement placement() {
    return placement;
  }

  public int replicationFactor() {
    return replicationFactor;
  }
}
