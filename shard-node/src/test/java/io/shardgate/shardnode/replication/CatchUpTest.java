package io.shardgate.shardnode.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.shardgate.cluster.config.Settings;
import io.shardgate.shardnode.store.InMemoryRecordStore;
import io.shardgate.shardnode.store.SlotPosition;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/**
 * Catch-up of node a, returning while b and c kept the slots (every slot's replicas are a, b, c): whom
 * it syncs each slot from, how long it waits for partners that do not answer, the full copy of a
 * trimmed log, how many slots sync at once, and the presence it keeps with its peers until leased.
 * Peers are fakes over in-memory stores; time moves only when the test moves it.
 */
class CatchUpTest {
  private static final Settings.Lease LEASE = new Settings.Lease(3_000, 1_000);

  private final ManualTime time = new ManualTime();
  private final ReplicaSet replicas = new ReplicaSet();
  private final InMemoryRecordStore local = new InMemoryRecordStore();
  private final InMemoryRecordStore b = new InMemoryRecordStore();
  private final InMemoryRecordStore c = new InMemoryRecordStore();
  private final Peers viewOfB = new Peers("b", replicas.routing, time);
  private final FakePeers peers = new FakePeers("a").peer("b", b, viewOfB)
      .peer("c", c, new Peers("c", replicas.routing, time));
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  private CatchUp catchUp(int parallelism) {
    Peers view = new Peers("a", replicas.routing, time);
    SlotSync sync = new SlotSync(local, peers, 100, "a", meters);
    return new CatchUp(time, time, view, local, new SlotLocks(), sync, peers, LEASE, parallelism, meters);
  }

  @Test
  void syncsEachSlotFromTheReplicaFurthestAheadLeasedOrNot() {
    replicas.leased("b");
    write(b, 0, 2, 3); // slot 0: b at 2:3, c at 3:1 (a newer epoch wins over more entries)
    write(c, 0, 3, 1);
    write(b, 1, 2, 2); // slot 1: b at 2:2, c at 2:1
    write(c, 1, 2, 1);

    Future<Void> run = catchUp(8).run();

    assertThat(run.succeeded()).isTrue();
    assertThat(position(local, 0)).isEqualTo(new SlotPosition(3, 1));
    assertThat(position(local, 1)).isEqualTo(new SlotPosition(2, 2));
    assertThat(peers.calls).contains("readLog c 0", "readLog b 1").doesNotContain("readLog b 0", "readLog c 1");
  }

  @Test
  void goesOnWithoutPartnersThatNeitherAnswerNorHoldALeaseOnceTwoTtlsHavePassed() {
    replicas.leased();
    peers.down.add("b");
    peers.down.add("c");
    Future<Void> run = catchUp(8).run();

    time.advance(2 * LEASE.ttlMs() - 1);
    assertThat(run.isComplete()).as("the whole cluster may be restarting: wait for them").isFalse();
    time.advance(1);
    assertThat(run.succeeded()).isTrue();
    assertThat(peers.calls).filteredOn(call -> call.startsWith("handoff")).isEmpty();
  }

  @Test
  void waitsForAPartnerThatHoldsALeaseHoweverLongItTakesToAnswer() {
    replicas.leased("b");
    write(b, 2, 4, 2);
    peers.down.add("b");
    peers.down.add("c");
    Future<Void> run = catchUp(8).run();

    time.advance(60_000);
    assertThat(run.isComplete()).as("b may hold acknowledged writes that a lacks").isFalse();
    peers.down.remove("b");
    time.advance(250);
    assertThat(run.succeeded()).isTrue();
    assertThat(position(local, 2)).isEqualTo(new SlotPosition(4, 2));
  }

  @Test
  void copiesTheWholeSlotWhenTheSourceTrimmedItsLog() {
    replicas.leased("b", "c");
    write(b, 5, 2, 6);
    b.trim(2);

    assertThat(catchUp(8).run().succeeded()).isTrue();
    assertThat(peers.calls).contains("snapshot b 5");
    assertThat(position(local, 5)).isEqualTo(new SlotPosition(2, 6));
    assertThat(local.checksums().result()).isEqualTo(b.checksums().result());
    assertThat(meters.get("shardgate.catchup.full.copies").counter().count()).isEqualTo(1);
  }

  @Test
  void syncsAtMostTheConfiguredNumberOfSlotsAtOnce() {
    replicas.leased("b", "c");
    for (int slot = 0; slot < ReplicaSet.SLOTS; slot++) {
      write(b, slot, 2, 1);
    }
    peers.holdReads = true;
    Future<Void> run = catchUp(3).run();

    assertThat(peers.mostReadsInFlight).isEqualTo(3);
    int reads = 0;
    while (peers.releaseRead()) {
      reads++;
    }
    assertThat(run.succeeded()).isTrue();
    assertThat(reads).isEqualTo(ReplicaSet.SLOTS);
    assertThat(peers.mostReadsInFlight).as("one slot starts as another finishes").isEqualTo(3);
    for (int slot = 0; slot < ReplicaSet.SLOTS; slot++) {
      assertThat(position(local, slot)).isEqualTo(new SlotPosition(2, 1));
    }
  }

  @Test
  void keepsItsPresenceWithItsPeersUntilItHoldsItsLeaseThenLetsItLapse() {
    replicas.leased("b", "c");
    CatchUp catchUp = catchUp(8);
    assertThat(catchUp.run().succeeded()).isTrue();
    assertThat(viewOfB.live("a")).as("handed off: b counts a as live").isTrue();

    time.advance(10 * LEASE.ttlMs()); // taking the lease takes long: presence is renewed meanwhile
    assertThat(viewOfB.live("a")).isTrue();
    assertThat(peers.calls).filteredOn(call -> call.equals("present b")).hasSize(30);

    catchUp.finish(); // a holds its lease: its peers see it live through the registry from now on
    time.advance(LEASE.ttlMs());
    assertThat(viewOfB.live("a")).isFalse();
    assertThat(peers.calls).filteredOn(call -> call.equals("present b")).hasSize(30);
  }

  /** Entries 1..count of the slot in the store under the epoch, one record each. */
  private static void write(InMemoryRecordStore store, int slot, long epoch, int count) {
    for (int i = 1; i <= count; i++) {
      store.create("c", "s" + slot + "e" + epoch + "k" + i, slot, new JsonObject().put("i", i), epoch).result();
    }
  }

  private static SlotPosition position(InMemoryRecordStore store, int slot) {
    return store.position(slot).result();
  }
}
