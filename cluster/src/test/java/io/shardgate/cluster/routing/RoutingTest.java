package io.shardgate.cluster.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardgate.cluster.membership.MemberInfo;
import io.shardgate.cluster.membership.MembershipView;
import io.shardgate.cluster.membership.Role;
import io.shardgate.cluster.placement.KeyHash;
import io.shardgate.cluster.placement.Placement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** "Who serves this key" has one answer: the route, from the collection's partitioner and the slot table. */
class RoutingTest {
  private static final int SLOTS = 64;

  @Test
  void aRouteListsTheSlotsReplicasInPlacementOrderAndOrdersReadsAndWritesByLiveness() {
    RoutingTable table = new RoutingTable(Placement.rendezvous(), SLOTS, 2);
    table.update(view(Set.of("a", "b", "c"), "a", "b", "c"));
    Route route = table.current().route("expenses", "42");
    assertThat(route.slot()).isEqualTo(KeyHash.slot("expenses", "42", SLOTS));
    List<String> ids = route.replicaIds();
    assertThat(ids).hasSize(2).isEqualTo(table.current().replicaIds(route.slot()));
    assertThat(route.readOrder()).extracting(MemberInfo::id).isEqualTo(ids);
    assertThat(route.servedBy().id()).isEqualTo(ids.get(0));

    // the primary dies: reads skip it, writes still try it last (this view may be behind)
    table.update(view(Set.of("a", "b", "c").stream().filter(id -> !id.equals(ids.get(0)))
        .collect(java.util.stream.Collectors.toSet()), "a", "b", "c"));
    Route failed = table.current().route("expenses", "42");
    assertThat(failed.readOrder()).extracting(MemberInfo::id).containsExactly(ids.get(1));
    assertThat(failed.writeOrder()).extracting(MemberInfo::id).containsExactly(ids.get(1), ids.get(0));
    assertThat(failed.servedBy().id()).isEqualTo(ids.get(1));

    table.update(view(Set.of(), "a", "b", "c"));
    assertThat(table.current().route("expenses", "42").servedBy()).isNull();
    assertThat(table.current().route("expenses", "42").readOrder()).isEmpty();
  }

  @Test
  void everySlotIsRoutableWhileOneReplicaOfEachIsLiveAndNotWhenTwoNeighboursAreDown() {
    RoutingTable table = new RoutingTable(Placement.rendezvous(), SLOTS, 2);
    assertThat(table.current().notRoutableReason()).isEqualTo("no shard node in the membership view yet");
    table.update(view(Set.of("a", "b", "c"), "a", "b", "c"));
    assertThat(table.current().notRoutableReason()).isNull();
    table.update(view(Set.of("b", "c"), "a", "b", "c"));
    assertThat(table.current().unservedSlots()).as("R = 2: every slot of a still has a live successor").isZero();
    table.update(view(Set.of("c"), "a", "b", "c"));
    int both = 0;
    for (int slot = 0; slot < SLOTS; slot++) {
      both += table.current().replicaIds(slot).contains("c") ? 0 : 1;
    }
    assertThat(both).as("slots held by a and b only").isPositive();
    assertThat(table.current().unservedSlots()).isEqualTo(both);
    assertThat(table.current().notRoutableReason()).isEqualTo(both + " of " + SLOTS + " slots have no live replica");
  }

  @Test
  void theTableVersionChangesWithTheMembersNotWithLiveness() {
    RoutingTable table = new RoutingTable(Placement.rendezvous(), SLOTS, 2);
    table.update(view(Set.of("a", "b"), "a", "b"));
    long v = table.current().tableVersion();
    table.update(view(Set.of("a"), "a", "b"));
    assertThat(table.current().tableVersion()).isEqualTo(v);
    assertThat(table.current().route(3).tableVersion()).isEqualTo(v);
    table.update(view(Set.of("a"), "a", "b", "c"));
    assertThat(table.current().tableVersion()).isEqualTo(v + 1);
  }

  @Test
  void aCollectionsOwnPartitionerDecidesItsPartitionWithoutTouchingOtherCollections() {
    Partitioner firstLetter = (collection, key) -> key.charAt(0) - 'a';
    RoutingTable table = new RoutingTable(Placement.rendezvous(), SLOTS, 2, Map.of("students", firstLetter));
    table.update(view(Set.of("a", "b"), "a", "b"));
    assertThat(table.current().route("students", "carol").slot()).isEqualTo(2);
    assertThat(table.current().slotOf("students", "bob")).isEqualTo(1);
    assertThat(table.current().route("expenses", "carol").slot()).isEqualTo(KeyHash.slot("expenses", "carol", SLOTS));
  }

  private static MembershipView view(Set<String> live, String... members) {
    Map<String, MemberInfo> all = new HashMap<>();
    int port = 9000;
    for (String id : members) {
      all.put(id, new MemberInfo(id, Role.SHARD, "127.0.0.1", port++, 1));
    }
    return new MembershipView(Map.copyOf(all), Set.copyOf(live));
  }
}
