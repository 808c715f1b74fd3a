package io.shardgate.shardnode.replication;

import io.shardgate.cluster.membership.MemberInfo;
import io.shardgate.cluster.routing.Routing;
import io.shardgate.cluster.routing.RoutingTable;
import io.shardgate.cluster.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This node's view of its peers: the routing table fed by the membership watcher, plus the peers that
 * announced their return with a handoff and count as live for a while before their lease shows up.
 */
public final class Peers {
  private final String self;
  private final RoutingTable routing;
  private final Clock clock;
  private final Map<String, Long> presentUntil = new ConcurrentHashMap<>();

  public Peers(String self, RoutingTable routing, Clock clock) {
    this.self = self;
    this.routing = routing;
    this.clock = clock;
  }

  public String self() {
    return self;
  }

  public boolean live(String id) {
    Long until = presentUntil.get(id);
    return routing.current().isLive(id) || (until != null && until > clock.millis());
  }

  /** A returning peer asked to be counted as live while it finishes catching up and takes its lease. */
  public void markPresent(String id, long forMillis) {
    presentUntil.put(id, clock.millis() + forMillis);
  }

  /** Decided on the slot's route, the same answer gateways route by, with this node's view of who is live. */
  public Ownership ownership(int slot) {
    return Ownership.decide(routing.current().route(slot).replicaIds(), self, this::live);
  }

  public int slotOf(String collection, String key) {
    return routing.current().slotOf(collection, key);
  }

  public MemberInfo member(String id) {
    return routing.current().member(id);
  }

  /** Slots whose replica list includes this node. */
  public List<Integer> ownSlots() {
    Routing r = routing.current();
    List<Integer> slots = new ArrayList<>();
    for (int slot = 0; slot < r.slots(); slot++) {
      if (r.route(slot).replicaIds().contains(self)) {
        slots.add(slot);
      }
    }
    return slots;
  }

  /** The other replicas of a slot, in placement order, live or not. */
  public List<String> otherReplicas(int slot) {
    List<String> others = new ArrayList<>(routing.current().route(slot).replicaIds());
    others.remove(self);
    return others;
  }

  /** Every member that shares at least one of the given slots with this node. */
  public List<MemberInfo> partners(List<Integer> slots) {
    LinkedHashSet<String> ids = new LinkedHashSet<>();
    for (int slot : slots) {
      ids.addAll(otherReplicas(slot));
    }
    List<MemberInfo> out = new ArrayList<>();
    for (String id : ids) {
      MemberInfo m = member(id);
      if (m != null) {
        out.add(m);
      }
    }
    return out;
  }
}
