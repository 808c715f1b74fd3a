package io.shardgate.cluster.routing;

import io.shardgate.cluster.membership.MemberInfo;
import io.shardgate.cluster.membership.MembershipView;
import io.shardgate.cluster.membership.Role;
import io.shardgate.cluster.placement.KeyHash;
import io.shardgate.cluster.placement.Node;
import io.shardgate.cluster.placement.Placement;
import io.shardgate.cluster.placement.SlotTable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One immutable routing snapshot: the slot table computed over the shard members (live or not) and
 * the liveness seen in the same membership view. Pure: no Vert.x, shared by every event loop.
 */
public final class Routing {
  private final int slots;
  private final SlotTable table;
  private final MembershipView view;
  private final List<Node> shardNodes;

  private Routing(int slots, SlotTable table, MembershipView view, List<Node> shardNodes) {
    this.slots = slots;
    this.table = table;
    this.view = view;
    this.shardNodes = shardNodes;
  }

  public static Routing compute(Placement placement, int slots, int replicationFactor, MembershipView view) {
    List<Node> nodes = shardNodes(view);
    return new Routing(slots, placement.table(slots, replicationFactor, nodes), view, nodes);
  }

  /** The same table with a newer liveness view; reused when the shard members and weights did not change. */
  public Routing withView(Placement placement, int replicationFactor, MembershipView newView) {
    List<Node> nodes = shardNodes(newView);
    if (nodes.equals(shardNodes)) {
      return new Routing(slots, table, newView, shardNodes);
    }
    return compute(placement, slots, replicationFactor, newView);
  }

  private static List<Node> shardNodes(MembershipView view) {
    List<Node> nodes = new ArrayList<>();
    for (MemberInfo m : view.members().values()) {
      if (m.role() == Role.SHARD) {
        nodes.add(new Node(m.id(), m.weight()));
      }
    }
    nodes.sort(Comparator.comparing(Node::id));
    return List.copyOf(nodes);
  }

  public int slotOf(String collection, String key) {
    return KeyHash.slot(collection, key, slots);
  }

  /** Ordered replicas of the slot with their liveness, primary first. */
  public List<Replica> replicas(int slot) {
    List<String> ids = table.replicas(slot);
    List<Replica> out = new ArrayList<>(ids.size());
    for (String id : ids) {
      out.add(new Replica(view.members().get(id), view.isLive(id)));
    }
    return out;
  }

  /** The member that serves the slot now, or null. Until replication exists only the primary may serve. */
  public MemberInfo primary(int slot) {
    String id = table.primary(slot);
    return id == null ? null : view.members().get(id);
  }

  /** Ordered replica ids of the slot, primary first. */
  public List<String> replicaIds(int slot) {
    return table.replicas(slot);
  }

  public MemberInfo member(String id) {
    return view.members().get(id);
  }

  public boolean isLive(String memberId) {
    return view.isLive(memberId);
  }

  public MembershipView view() {
    return view;
  }

  public int slots() {
    return slots;
  }

  public record Replica(MemberInfo member, boolean live) {}
}
