package io.shardgate.cluster.placement;

import static io.shardgate.cluster.placement.Fixtures.SLOTS;
import static io.shardgate.cluster.placement.Fixtures.nodes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shardgate.cluster.placement.Fixtures.Policy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** What every policy promises, whatever its algorithm. */
class PlacementContractTest {

  static List<Policy> policies() {
    return Fixtures.policies().toList();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("policies")
  void memberOrderDoesNotMatter(Policy policy) {
    List<Node> members = new ArrayList<>(nodes(12));
    members.add(new Node("heavy", 2.5));
    members.add(new Node("light", 0.25));
    SlotTable reference = policy.placement().table(SLOTS, 3, members);

    Random random = new Random(42); // a fixed seed keeps the test reproducible
    for (int round = 0; round < 5; round++) {
      Collections.shuffle(members, random);
      SlotTable shuffled = policy.placement().table(SLOTS, 3, members);
      assertThat(shuffled).isEqualTo(reference);
      for (int slot = 0; slot < SLOTS; slot++) {
        assertThat(shuffled.replicas(slot)).isEqualTo(reference.replicas(slot));
      }
    }
    assertThat(policy.placement().table(SLOTS, 3, new HashSet<>(members))).isEqualTo(reference);
    List<Node> reversed = new ArrayList<>(members);
    Collections.reverse(reversed);
    assertThat(policy.placement().table(SLOTS, 3, new LinkedHashSet<>(reversed))).isEqualTo(reference);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("policies")
  void tableAgreesWithSingleSlotLookupAndIsDeterministic(Policy policy) {
    SlotTable table = policy.placement().table(SLOTS, 2, nodes(7));
    Placement fresh = Placement.named(policy.placement().name(), Fixtures.RING_POINTS);

    assertThat(fresh.table(SLOTS, 2, nodes(7))).isEqualTo(table).hasSameHashCodeAs(table);
    for (int slot = 0; slot < SLOTS; slot++) {
      assertThat(policy.placement().replicas(slot, 2, nodes(7))).isEqualTo(table.replicas(slot));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("policies")
  void replicaListsAreDistinctAndAsLongAsPossible(Policy policy) {
    for (int replicationFactor : new int[] {1, 2, 3, 5, 8}) {
      SlotTable table = policy.placement().table(64, replicationFactor, nodes(5));
      assertThat(table.slots()).isEqualTo(64);
      assertThat(table.replicationFactor()).isEqualTo(replicationFactor);
      for (int slot = 0; slot < 64; slot++) {
        List<String> replicas = table.replicas(slot);
        assertThat(replicas).hasSize(Math.min(replicationFactor, 5)).doesNotHaveDuplicates();
        assertThat(table.primary(slot)).isEqualTo(replicas.get(0));
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("policies")
  void lookupsReturnTheSameImmutableList(Policy policy) {
    SlotTable table = policy.placement().table(SLOTS, 2, nodes(4));

    assertThat(table.replicas(17)).isSameAs(table.replicas(17));
    assertThatThrownBy(() -> table.replicas(17).add("n9")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> table.replicas(17).set(0, "n9")).isInstanceOf(UnsupportedOperationException.class);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("policies")
  void lookupsAreBoundsChecked(Policy policy) {
    SlotTable table = policy.placement().table(16, 2, nodes(3));

    assertThatThrownBy(() -> table.replicas(16))
        .isInstanceOf(IndexOutOfBoundsException.class)
        .hasMessage("slot 16 out of range [0, 16)");
    assertThatThrownBy(() -> table.primary(-1))
        .isInstanceOf(IndexOutOfBoundsException.class)
        .hasMessage("slot -1 out of range [0, 16)");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("policies")
  void noMembersMeansNoReplicas(Policy policy) {
    SlotTable table = policy.placement().table(8, 2, List.of());

    for (int slot = 0; slot < 8; slot++) {
      assertThat(table.replicas(slot)).isEmpty();
      assertThat(table.primary(slot)).isNull();
    }
    assertThat(policy.placement().replicas(3, 2, List.of())).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("policies")
  void singleMemberOwnsEverything(Policy policy) {
    SlotTable table = policy.placement().table(32, 3, List.of(Node.of("solo")));

    for (int slot = 0; slot < 32; slot++) {
      assertThat(table.replicas(slot)).containsExactly("solo");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("policies")
  void rejectsBadArguments(Policy policy) {
    Placement placement = policy.placement();
    List<Node> members = nodes(3);

    assertThatThrownBy(() -> placement.table(0, 2, members))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("slots must be positive, got 0");
    assertThatThrownBy(() -> placement.table(8, 0, members))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("replication factor must be at least 1, got 0");
    assertThatThrownBy(() -> placement.replicas(-1, 2, members))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("slot must not be negative, got -1");
    assertThatThrownBy(() -> placement.table(8, 2, List.of(Node.of("a"), new Node("b", 2), new Node("a", 3))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("duplicate node id 'a' in members");
    assertThatThrownBy(() -> placement.table(8, 2, null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> placement.table(8, 2, new ArrayList<>(Collections.singletonList((Node) null))))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("null");
  }

  @Test
  void namedPolicies() {
    assertThat(Placement.named("rendezvous", 1).name()).isEqualTo("rendezvous");
    assertThat(Placement.named("ring", 40).name()).isEqualTo("ring");
    assertThatThrownBy(() -> Placement.named("modulo", 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown placement policy 'modulo'");
    assertThatThrownBy(() -> Placement.ring(0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 1, got 0");
  }

  @Test
  void ringPointCountFollowsWeight() {
    // With one point per unit weight a weight-0.2 node still gets one point (max(1, round)), so it
    // must own some slot of a large table; a 0-point node would own none.
    SlotTable table = Placement.ring(1).table(4096, 1, List.of(new Node("tiny", 0.2), new Node("big", 1)));
    Set<String> owners = new HashSet<>(Fixtures.primaryCounts(table).keySet());

    assertThat(owners).containsExactlyInAnyOrder("tiny", "big");
  }
}
