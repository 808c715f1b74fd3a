package io.shardgate.shardnode.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.shardgate.cluster.ids.IdAllocator;
import io.shardgate.cluster.protocol.Refusal;
import io.shardgate.shardnode.store.Change;
import io.shardgate.shardnode.store.InMemoryRecordStore;
import io.vertx.core.Future;
import io.vertx.core.impl.NoStackTraceTimeoutException;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The acknowledgement rule of an acting primary: a write is acknowledged only when every live replica of
 * its slot (a leased one, or a returning one inside its handoff presence) applied it and the lease is
 * still held; a write that may have been applied but was not confirmed is UNACKNOWLEDGED (not safe to
 * retry); a node that must not take the write applies nothing and refuses it safely.
 */
class ReplicatorTest {
  private static final int SLOT = 3;

  private final ManualTime time = new ManualTime();
  private final ReplicaSet replicas = new ReplicaSet();
  private final FakePeers peers = new FakePeers("a");
  private final InMemoryRecordStore store = new InMemoryRecordStore();
  private final AtomicBoolean serving = new AtomicBoolean(true);
  private final AtomicBoolean leaseHeld = new AtomicBoolean(true);
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private Peers view = new Peers("a", replicas.routing, time);

  private Replicator replicator() {
    return new Replicator(view, new SlotLocks(), peers, IdAllocator.inProcess(), serving::get, leaseHeld::get, meters);
  }

  private Future<Change> write(Replicator replicator, String key) {
    return replicator.write(SLOT, epoch -> store.create("c", key, SLOT, new JsonObject().put("k", key), epoch));
  }

  @Test
  void aWriteIsAcknowledgedOnlyOnceEveryLiveReplicaAppliedIt() {
    replicas.leased("a", "b", "c");
    Future<Change> write = write(replicator(), "k1");

    assertThat(peers.pushes.keySet()).containsExactlyInAnyOrder("b", "c");
    peers.pushes.get("b").get(0).complete();
    assertThat(write.isComplete()).as("c has not applied it yet").isFalse();
    peers.pushes.get("c").get(0).complete();
    assertThat(write.succeeded()).isTrue();
    assertThat(write.result().record().version()).isEqualTo(1);
  }

  @Test
  void aRefusedOrTimedOutPushLeavesTheWriteUnacknowledgedAndNotSafeToRetry() {
    replicas.leased("a", "b", "c");
    Replicator replicator = replicator();
    Future<Change> refused = write(replicator, "k1");
    peers.pushes.get("b").get(0).fail(new PeerClient.Refused("b refused entry: 409 stale-epoch"));
    Future<Change> timedOut = write(replicator, "k2");
    peers.pushes.get("c").get(1).fail(new NoStackTraceTimeoutException("no answer in 1000 ms"));

    for (Future<Change> write : List.of(refused, timedOut)) {
      assertThat(refusal(write)).isEqualTo(Refusal.UNACKNOWLEDGED);
      assertThat(refusal(write).safeToRetry()).isFalse();
    }
    assertThat(store.get("c", "k1").result()).as("applied here: the outcome is unknown, not failed").isNotNull();
    assertThat(refusedCount("replica_failed")).isEqualTo(2);
  }

  @Test
  void replicasThatAreDownAreNotWaitedFor() {
    replicas.leased("a", "c");
    Future<Change> write = write(replicator(), "k1");

    assertThat(peers.pushes.keySet()).containsExactly("c");
    peers.pushes.get("c").get(0).complete();
    assertThat(write.succeeded()).isTrue();
  }

  @Test
  void aReturningReplicaIsWaitedForWhileItsHandoffPresenceLasts() {
    replicas.leased("a", "c");
    view.markPresent("b", 3_000);
    Replicator replicator = replicator();
    Future<Change> first = write(replicator, "k1");
    assertThat(peers.pushes.keySet()).containsExactlyInAnyOrder("b", "c");
    peers.pushes.get("c").get(0).complete();
    assertThat(first.isComplete()).as("b has not applied it yet").isFalse();
    peers.pushes.get("b").get(0).complete();
    assertThat(first.succeeded()).isTrue();

    time.advance(3_000); // b never renewed its presence nor took its lease
    peers.pushes.clear();
    write(replicator, "k2");
    assertThat(peers.pushes.keySet()).containsExactly("c");
  }

  @Test
  void aReplicaWithALiveReplicaAheadOfItRefusesAsNotPrimaryAndAppliesNothing() {
    replicas.leased("a", "b", "c");
    view = new Peers("b", replicas.routing, time);
    Future<Change> write = write(replicator(), "k1");

    assertThat(refusal(write)).isEqualTo(Refusal.NOT_PRIMARY);
    assertThat(refusal(write).safeToRetry()).isTrue();
    assertThat(store.get("c", "k1").result()).isNull();
    assertThat(peers.pushes).isEmpty();
    assertThat(refusedCount("not_primary")).isEqualTo(1);
  }

  @Test
  void aSuccessorTakesTheWriteOnceEveryReplicaAheadOfItIsDown() {
    replicas.leased("b", "c");
    view = new Peers("b", replicas.routing, time);
    Future<Change> write = write(replicator(), "k1");

    assertThat(peers.pushes.keySet()).containsExactly("c");
    peers.pushes.get("c").get(0).complete();
    assertThat(write.succeeded()).isTrue();
  }

  @Test
  void aNodeThatIsNotServingRefusesSafelyAndAppliesNothing() {
    replicas.leased("a", "b", "c");
    serving.set(false);
    Future<Change> write = write(replicator(), "k1");

    assertThat(refusal(write)).isEqualTo(Refusal.NOT_SERVING);
    assertThat(refusal(write).safeToRetry()).isTrue();
    assertThat(store.get("c", "k1").result()).isNull();
    assertThat(peers.pushes).isEmpty();
  }

  @Test
  void aLeaseLostWhileTheWriteWasInFlightLeavesItUnacknowledged() {
    replicas.leased("a", "b");
    Future<Change> write = write(replicator(), "k1");
    leaseHeld.set(false);
    peers.pushes.get("b").get(0).complete();

    assertThat(refusal(write)).isEqualTo(Refusal.UNACKNOWLEDGED);
    assertThat(refusedCount("lease_lapsed")).isEqualTo(1);
  }

  private static Refusal refusal(Future<Change> write) {
    assertThat(write.failed()).as("refused").isTrue();
    assertThat(write.cause()).isInstanceOf(WriteRefused.class);
    return ((WriteRefused) write.cause()).refusal();
  }

  private double refusedCount(String reason) {
    return meters.get("shardgate.writes.refused").tag("node", view.self()).tag("reason", reason).counter().count();
  }
}
