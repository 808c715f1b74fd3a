package io.shardgate.cluster.routing;

import io.shardgate.cluster.membership.MemberInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * Who serves one key, decided in one place (DESIGN §4): the partition (slot) it falls in, the version of
 * the routing table that decided, and the slot's replicas in placement order with their liveness.
 * Reads try {@link #readOrder()}; writes try {@link #writeOrder()}.
 */
public record Route(int slot, long tableVersion, List<Routing.Replica> replicas) {

  /** Live replicas in placement order: the first is the acting primary as this view sees it. */
  public List<MemberInfo> readOrder() {
    List<MemberInfo> live = new ArrayList<>(replicas.size());
    for (Routing.Replica r : replicas) {
      if (r.live() && r.member() != null) {
        live.add(r.member());
      }
    }
    return live;
  }

  /**
   * Live replicas in placement order, then the others: a node this view thinks is down may have just
   * come back, and a node that is not the acting primary refuses safely, so trying it costs one round trip.
   */
  public List<MemberInfo> writeOrder() {
    List<MemberInfo> order = readOrder();
    for (Routing.Replica r : replicas) {
      if (!r.live() && r.member() != null) {
        order.add(r.member());
      }
    }
    return order;
  }

  /** Replica ids in placement order, primary first, live or not. */
  public List<String> replicaIds() {
    List<String> ids = new ArrayList<>(replicas.size());
    for (Routing.Replica r : replicas) {
      ids.add(r.id());
    }
    return ids;
  }

  /** The replica that answers a read now, or null when none is live. */
  public MemberInfo servedBy() {
    for (Routing.Replica r : replicas) {
      if (r.live() && r.member() != null) {
        return r.member();
      }
    }
    return null;
  }
}
