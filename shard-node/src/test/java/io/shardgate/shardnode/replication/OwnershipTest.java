package io.shardgate.shardnode.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OwnershipTest {
  private static final List<String> REPLICAS = List.of("a", "b", "c");

  @Test
  void theFirstReplicaIsPrimaryAndReplicatesToTheLiveOthers() {
    Ownership o = Ownership.decide(REPLICAS, "a", Set.of("a", "b", "c")::contains);
    assertThat(o.kind()).isEqualTo(Ownership.Kind.PRIMARY);
    assertThat(o.targets()).containsExactly("b", "c");
    assertThat(Ownership.decide(REPLICAS, "a", Set.of("a", "c")::contains).targets()).containsExactly("c");
  }

  @Test
  void aSuccessorIsPrimaryOnlyWhenEveryReplicaAheadIsDown() {
    assertThat(Ownership.decide(REPLICAS, "b", Set.of("a", "b")::contains))
        .isEqualTo(new Ownership(Ownership.Kind.NOT_PRIMARY, "a", List.of()));
    assertThat(Ownership.decide(REPLICAS, "c", Set.of("b", "c")::contains).blocker()).isEqualTo("b");
    Ownership takeover = Ownership.decide(REPLICAS, "b", Set.of("b", "c")::contains);
    assertThat(takeover.kind()).isEqualTo(Ownership.Kind.PRIMARY);
    assertThat(takeover.targets()).containsExactly("c");
    assertThat(Ownership.decide(REPLICAS, "c", Set.of("c")::contains).kind()).isEqualTo(Ownership.Kind.PRIMARY);
  }

  @Test
  void aNodeOutsideTheListHoldsNothing() {
    assertThat(Ownership.decide(REPLICAS, "z", Set.of("z")::contains).kind()).isEqualTo(Ownership.Kind.NOT_REPLICA);
  }
}
