package io.shardgate.shardnode.replication;

import io.shardgate.cluster.membership.MemberInfo;
import io.shardgate.cluster.membership.MembershipView;
import io.shardgate.cluster.membership.Role;
import io.shardgate.cluster.placement.Node;
import io.shardgate.cluster.placement.Placement;
import io.shardgate.cluster.placement.SlotTable;
import io.shardgate.cluster.routing.RoutingTable;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Shard nodes a, b and c, in that order the replicas of every slot; the test says which hold a lease. */
final class ReplicaSet {
  static final int SLOTS = 8;

  final RoutingTable routing = new RoutingTable(new InIdOrder(), SLOTS, 3);
  private final Map<String, MemberInfo> members = new LinkedHashMap<>();

  ReplicaSet() {
    int port = 9001;
    for (String id : List.of("a", "b", "c")) {
      members.put(id, new MemberInfo(id, Role.SHARD, "127.0.0.1", port++, 1));
    }
  }

  ReplicaSet leased(String... ids) {
    routing.update(new MembershipView(members, Set.of(ids)));
    return this;
  }

  MemberInfo member(String id) {
    return members.get(id);
  }

  /** Every slot's replicas are the members sorted by id. */
  private static final class InIdOrder implements Placement {
    @Override
    public String name() {
      return "in-id-order";
    }

    @Override
    public List<String> replicas(int slot, int replicationFactor, Collection<Node> nodes) {
      return nodes.stream().map(Node::id).sorted().limit(replicationFactor).toList();
    }

    @Override
    public SlotTable table(int slots, int replicationFactor, Collection<Node> nodes) {
      List<String> ids = replicas(0, replicationFactor, nodes);
      return new SlotTable() {
        @Override
        public int slots() {
          return slots;
        }

        @Override
        public int replicationFactor() {
          return replicationFactor;
        }

        @Override
        public List<String> replicas(int slot) {
          return ids;
        }

        @Override
        public String primary(int slot) {
          return ids.isEmpty() ? null : ids.get(0);
        }
      };
    }
  }
}
