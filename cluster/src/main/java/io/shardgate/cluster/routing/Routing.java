package io.shardgate.cluster.routing;

import io.shardgate.cluster.membership.MemberInfo;
import io.shardgate.cluster.membership.MembershipView;
import io.shardgate.cluster.membership.Role;
import io.shardgate.cluster.placement.Node;
import io.shardgate.cluster.placement.Placement;
import io.shardgate.cluster.placement.SlotTable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * One immutable routing snapshot: the slot table computed over the shard members (live or not) and
 * the liveness seen in the same membership view. Pure: no Vert.x, shared by every event loop. The one
 * answer to "who serves this key" is {@link #route(String, String)}: failover, the admin placement view
 * and a node's ownership check all ask it.
 *
 * <p>The table version counts the slot tables this process computed (a new one whenever the shard
 * members or their weights change; liveness alone does not change it). It is local to the process
 * until placements are versioned cluster-wide (DESIGN §4, planned slot moves).
 */
public final class Routing {
  private final int slots;
  private final SlotTable table;
  private final long tableVersion;
  private final MembershipView view;
  private final List<Node> shardNodes;
  private final Map<String, Partitioner> partitioners;
  private final Partitioner hash;
  /** Slots with no live replica, counted on first use (-1 until then). */
  private volatile int unserved = -1;

  private Routing(int slots, SlotTable table, long tableVersion, MembershipView view, List<Node> shardNodes,
      Map<String, Partitioner> partitioners) {
    this.slots = slots;
    this.table = table;
    this.tableVersion = tableVersion;
    this.view = view;
    this.shardNodes = shardNodes;
    this.partitioners = partitioners;
    this.hash = Partitioner.hash(slots);
  }

  public static Routing compute(Placement placement, int slots, int replicationFactor, MembershipView view) {
    return compute(placement, slots, replicationFactor, view, 0, Map.of());
  }

  static Routing compute(Placement placement, int slots, int replicationFactor, MembershipView view, long tableVersion,
      Map<String, Partitioner> partitioners) {
    List<Node> nodes = shardNodes(view);
    return new Routing(slots, placement.table(slots, replicationFactor, nodes), tableVersion, view, nodes,
        Map.copyOf(partitioners));
  }

  /** The same table with a newer liveness view; reused when the shard members and weights did not change. */
  public Routing withView(Placement placement, int replicationFactor, MembershipView newView) {
    List<Node> nodes = shardNodes(newView);
    if (nodes.equals(shardNodes)) {
      return new Routing(slots, table, tableVersion, newView, shardNodes, partitioners);
    }
    return compute(placement, slots, replicationFactor, newView, tableVersion + 1, partitioners);
  }

  /** Who serves this key of this collection: its partition, the table version, replicas in order. */
  public Route route(String collection, String key) {
    return route(slotOf(collection, key));
  }

  /** Who serves this slot. */
  public Route route(int slot) {
    return new Route(slot, tableVersion, replicas(slot));
  }

  public long tableVersion() {
    return tableVersion;
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

  /** The partition of the key under its collection's partitioner (the shared hash slots by default). */
  public int slotOf(String collection, String key) {
    return partitioners.getOrDefault(collection, hash).partitionOf(collection, key);
  }

  /** Ordered replicas of the slot with their liveness, primary first. */
  public List<Replica> replicas(int slot) {
    List<String> ids = table.replicas(slot);
    List<Replica> out = new ArrayList<>(ids.size());
    for (String id : ids) {
      out.add(new Replica(id, view.members().get(id), view.isLive(id)));
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

  /** How many slots no live replica can serve in this view: requests for their keys fail with 503. */
  public int unservedSlots() {
    int n = unserved;
    if (n < 0) {
      n = 0;
      for (int slot = 0; slot < slots; slot++) {
        boolean served = false;
        for (String id : table.replicas(slot)) {
          served |= view.isLive(id);
        }
        n += served ? 0 : 1;
      }
      unserved = n;
    }
    return n;
  }

  /** Null when every slot has a live replica, else why a request may not be routable (for /health/ready). */
  public String notRoutableReason() {
    if (shardNodes.isEmpty()) {
      return "no shard node in the membership view yet";
    }
    int n = unservedSlots();
    return n == 0 ? null : n + " of " + slots + " slots have no live replica";
  }

  /** One replica of a slot: its id, its member entry (null when the view lacks it) and its liveness. */
  public record Replica(String id, MemberInfo member, boolean live) {}
}
