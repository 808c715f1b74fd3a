package io.shardgate.shardnode.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The replication half of the {@link RecordStore} contract (positions, epochs, tombstones, apply,
 * readLog, repair, snapshot/install, checksums, trim), on top of the record half it inherits. Both
 * store tests extend this class, so each store runs the whole contract.
 */
abstract class ReplicationContract extends RecordStoreContract {

  private static final SlotPosition ZERO = SlotPosition.ZERO;

  // ---- positions and epochs

  @Test
  void writesTakeConsecutivePositionsAndTheirEntriesCarryTheResultingState() {
    assertThat(await(store.position(slot))).isEqualTo(ZERO);

    Change created = await(store.create(collection, "k", slot, new JsonObject().put("a", 1), 3));
    Change updated = await(store.update(collection, "k", new JsonObject().put("b", 2), Precondition.version(1), 3));
    Change replaced = await(store.replace(collection, "k", new JsonObject().put("c", 3), Precondition.NONE, 3));
    Change deleted = await(store.delete(collection, "k", Precondition.version(3), 3));

    assertEntry(created.entry(), at(3, 1), ZERO, "k", 1, new JsonObject().put("a", 1));
    assertEntry(updated.entry(), at(3, 2), at(3, 1), "k", 2, new JsonObject().put("a", 1).put("b", 2));
    assertEntry(replaced.entry(), at(3, 3), at(3, 2), "k", 3, new JsonObject().put("c", 3));
    assertEntry(deleted.entry(), at(3, 4), at(3, 3), "k", 4, null);
    assertThat(created.record().version()).isEqualTo(1);
    assertThat(json(created.record())).isEqualTo(new JsonObject().put("a", 1));
    assertThat(json(updated.record())).isEqualTo(new JsonObject().put("a", 1).put("b", 2));
    assertThat(deleted.record().version()).isEqualTo(4);
    assertThat(deleted.record().slot()).isEqualTo(slot);
    assertThat(json(deleted.record())).isEqualTo(new JsonObject().put("c", 3));
    assertThat(await(store.position(slot))).isEqualTo(at(3, 4));
    assertThat(jsonOf(await(store.entriesAfter(slot, ZERO))))
        .isEqualTo(jsonOf(List.of(created.entry(), updated.entry(), replaced.entry(), deleted.entry())));
  }

  @Test
  void aNewerEpochRestartsSeqAtOneAndFollowsTheLastPosition() {
    assertThat(await(store.create(collection, "a", slot, new JsonObject(), 2)).entry().position()).isEqualTo(at(2, 1));
    assertThat(await(store.create(collection, "b", slot, new JsonObject(), 2)).entry().position()).isEqualTo(at(2, 2));

    OplogEntry first = await(store.update(collection, "a", new JsonObject().put("x", 1), Precondition.NONE, 5)).entry();
    OplogEntry second = await(store.create(collection, "c", slot, new JsonObject(), 5)).entry();

    assertThat(first.position()).isEqualTo(at(5, 1));
    assertThat(first.previous()).isEqualTo(at(2, 2));
    assertThat(second.position()).isEqualTo(at(5, 2));
    assertThat(second.previous()).isEqualTo(at(5, 1));
    assertThat(await(store.position(slot))).isEqualTo(at(5, 2));
  }

  @Test
  void aWriteUnderAnOlderEpochIsStaleAndChangesNothing() {
    await(store.create(collection, "k", slot, new JsonObject().put("v", 1), 5));

    List<Future<Change>> stale = List.of(
        store.create(collection, "other", slot, new JsonObject(), 4),
        store.replace(collection, "k", new JsonObject().put("v", 2), Precondition.NONE, 4),
        store.update(collection, "k", new JsonObject().put("v", 3), Precondition.version(1), 4),
        store.delete(collection, "k", Precondition.EXISTS, 4));

    for (Future<Change> write : stale) {
      Throwable failure = failureOf(write);
      assertThat(failure).isInstanceOf(StoreException.StaleEpoch.class);
      assertThat(((StoreException.StaleEpoch) failure).current()).isEqualTo(5);
    }
    StoredRecord kept = await(store.get(collection, "k"));
    assertThat(kept.version()).isEqualTo(1);
    assertThat(json(kept)).isEqualTo(new JsonObject().put("v", 1));
    assertThat(await(store.get(collection, "other"))).isNull();
    assertThat(await(store.position(slot))).isEqualTo(at(5, 1));
    assertThat(await(store.entriesAfter(slot, ZERO))).hasSize(1);
  }

  @Test
  void failedWritesTakeNoPosition() {
    await(store.create(collection, "k", slot, new JsonObject(), 1));

    assertThat(failureOf(store.create(collection, "k", slot, new JsonObject(), 1)))
        .isInstanceOf(StoreException.AlreadyExists.class);
    assertThat(failureOf(store.replace(collection, "absent", new JsonObject(), Precondition.NONE, 1)))
        .isInstanceOf(StoreException.NotFound.class);
    assertThat(failureOf(store.update(collection, "k", new JsonObject(), Precondition.version(9), 1)))
        .isInstanceOf(StoreException.VersionMismatch.class);

    assertThat(await(store.position(slot))).isEqualTo(at(1, 1));
    OplogEntry next = await(store.update(collection, "k", new JsonObject(), Precondition.NONE, 1)).entry();
    assertThat(next.position()).isEqualTo(at(1, 2));
    assertThat(next.previous()).isEqualTo(at(1, 1));
  }

  @Test
  void positionsListEverySlotWrittenOrApplied() {
    RecordStore fresh = emptyStore();
    assertThat(await(fresh.positions())).isEmpty();

    await(fresh.create(collection, "a", 3, new JsonObject(), 1));
    await(fresh.create(collection, "b", 3, new JsonObject(), 1));
    await(fresh.create(collection, "c", 7, new JsonObject(), 2));
    await(fresh.apply(entry(9, at(4, 1), ZERO, "d", 1, new JsonObject())));

    assertThat(await(fresh.positions())).isEqualTo(Map.of(3, at(1, 2), 7, at(2, 1), 9, at(4, 1)));
    assertThat(await(fresh.position(3))).isEqualTo(at(1, 2));
    assertThat(await(fresh.position(4))).isEqualTo(ZERO);
  }

  // ---- tombstones

  @Test
  void createDeleteCreateGivesVersionsOneTwoThree() {
    Change first = await(store.create(collection, "k", slot, new JsonObject().put("life", 1), 1));
    Change deleted = await(store.delete(collection, "k", Precondition.NONE, 1));
    assertThat(await(store.get(collection, "k"))).isNull();
    RecordState tombstone = await(store.state(collection, "k", slot));
    Change again = await(store.create(collection, "k", slot, new JsonObject().put("life", 2), 1));

    assertThat(List.of(first.record().version(), deleted.record().version(), again.record().version()))
        .containsExactly(1L, 2L, 3L);
    assertThat(tombstone).isEqualTo(new RecordState(collection, "k", slot, 2, true, null));
    assertThat(again.entry().version()).isEqualTo(3);
    assertThat(again.entry().deleted()).isFalse();
    StoredRecord read = await(store.get(collection, "k"));
    assertThat(read.version()).isEqualTo(3);
    assertThat(json(read)).isEqualTo(new JsonObject().put("life", 2));
  }

  @Test
  void tombstonesAreNeitherReadNorListedNorCounted() {
    long before = await(count(store));
    await(store.create(collection, "a", slot, new JsonObject(), 1));
    await(store.create(collection, "b", slot, new JsonObject(), 1));

    await(store.delete(collection, "a", Precondition.NONE, 1));

    assertThat(await(store.get(collection, "a"))).isNull();
    assertThat(await(keys(store, collection))).containsExactly("b");
    assertThat(await(count(store))).isEqualTo(before + 1);
    assertThat(await(store.state(collection, "a", slot)).deleted()).isTrue();
  }

  @ParameterizedTest
  @EnumSource(Write.class)
  void aTombstoneIsNotFoundForEveryPrecondition(Write write) {
    await(store.create(collection, "k", slot, new JsonObject(), 1));
    await(store.delete(collection, "k", Precondition.NONE, 1));

    for (Precondition precondition : List.of(Precondition.NONE, Precondition.EXISTS, Precondition.version(2),
        Precondition.version(1))) {
      assertThat(failureOf(write.apply(store, collection, "k", precondition)))
          .as("%s", precondition)
          .isInstanceOf(StoreException.NotFound.class);
    }
    assertThat(await(store.state(collection, "k", slot))).isEqualTo(new RecordState(collection, "k", slot, 2, true, null));
    assertThat(await(store.position(slot))).isEqualTo(at(1, 2));
  }

  @Test
  void stateIsTheRawRowOrAbsent() {
    await(store.create(collection, "k", slot, new JsonObject().put("a", 1), 1));

    RecordState live = await(store.state(collection, "k", slot));
    RecordState never = await(store.state(collection, "never", slot));

    assertThat(live.exists()).isTrue();
    assertThat(live.toJson()).isEqualTo(
        new RecordState(collection, "k", slot, 1, false, Buffer.buffer("{\"a\":1}")).toJson());
    assertThat(never).isEqualTo(RecordState.absent(collection, "never", slot));
    assertThat(never.exists()).isFalse();
  }

  // ---- apply

  @Test
  void applyStoresTheStateLogsTheEntryAndMovesThePosition() {
    RecordStore replica = emptyStore();
    List<OplogEntry> entries = List.of(
        await(store.create(collection, "a", slot, new JsonObject().put("n", 1), 2)).entry(),
        await(store.update(collection, "a", new JsonObject().put("m", 2), Precondition.NONE, 2)).entry(),
        await(store.create(collection, "x", slot, new JsonObject(), 2)).entry(),
        await(store.delete(collection, "x", Precondition.NONE, 2)).entry());

    for (OplogEntry entry : entries) {
      await(replica.apply(entry));
    }

    StoredRecord a = await(replica.get(collection, "a"));
    assertThat(a.version()).isEqualTo(2);
    assertThat(a.slot()).isEqualTo(slot);
    assertThat(json(a)).isEqualTo(new JsonObject().put("n", 1).put("m", 2));
    assertThat(await(replica.get(collection, "x"))).isNull();
    assertThat(await(replica.state(collection, "x", slot))).isEqualTo(new RecordState(collection, "x", slot, 2, true, null));
    assertThat(await(replica.position(slot))).isEqualTo(at(2, 4));
    assertThat(jsonOf(await(replica.entriesAfter(slot, ZERO)))).isEqualTo(jsonOf(entries));
    assertThat(jsonOf(await(replica.readLog(slot, ZERO, 10)).entries())).isEqualTo(jsonOf(entries));
  }

  @Test
  void applyOfAnEntryAlreadyAppliedIsANoOp() {
    RecordStore replica = emptyStore();
    OplogEntry first = await(store.create(collection, "k", slot, new JsonObject().put("n", 1), 1)).entry();
    OplogEntry second = await(store.update(collection, "k", new JsonObject().put("n", 2), Precondition.NONE, 1)).entry();
    await(replica.apply(first));
    await(replica.apply(second));

    await(replica.apply(first));
    await(replica.apply(second));

    assertThat(await(replica.position(slot))).isEqualTo(at(1, 2));
    assertThat(json(await(replica.get(collection, "k")))).isEqualTo(new JsonObject().put("n", 2));
    assertThat(await(replica.entriesAfter(slot, ZERO))).hasSize(2);
  }

  @Test
  void applyOfAnEntryThatDoesNotFollowThePositionIsAGapAndStoresNothing() {
    RecordStore replica = emptyStore();
    OplogEntry first = await(store.create(collection, "a", slot, new JsonObject(), 1)).entry();
    OplogEntry second = await(store.create(collection, "b", slot, new JsonObject(), 1)).entry();
    OplogEntry third = await(store.create(collection, "c", slot, new JsonObject(), 1)).entry();

    Throwable fromZero = failureOf(replica.apply(second));
    await(replica.apply(first));
    Throwable skipping = failureOf(replica.apply(third));
    Throwable otherBranch = failureOf(replica.apply(entry(slot, at(9, 1), at(7, 3), "d", 1, new JsonObject())));

    assertThat(fromZero).isInstanceOf(StoreException.Gap.class);
    assertThat(((StoreException.Gap) fromZero).position()).isEqualTo(ZERO);
    assertThat(skipping).isInstanceOf(StoreException.Gap.class);
    assertThat(((StoreException.Gap) skipping).position()).isEqualTo(at(1, 1));
    assertThat(otherBranch).isInstanceOf(StoreException.Gap.class);
    assertThat(await(replica.position(slot))).isEqualTo(at(1, 1));
    assertThat(await(replica.get(collection, "b"))).isNull();
    assertThat(await(replica.get(collection, "c"))).isNull();
    assertThat(await(replica.get(collection, "d"))).isNull();
    assertThat(await(replica.entriesAfter(slot, ZERO))).hasSize(1);
  }

  @Test
  void applyUnderAnOlderEpochIsStaleAndAnAppliedEpochFencesOlderPrimaryWrites() {
    await(store.apply(entry(slot, at(5, 1), ZERO, "a", 1, new JsonObject())));

    Throwable staleEntry = failureOf(store.apply(entry(slot, at(4, 1), ZERO, "b", 1, new JsonObject())));
    Throwable staleWrite = failureOf(store.create(collection, "c", slot, new JsonObject(), 4));
    OplogEntry sameEpoch = await(store.create(collection, "d", slot, new JsonObject(), 5)).entry();

    assertThat(staleEntry).isInstanceOf(StoreException.StaleEpoch.class);
    assertThat(((StoreException.StaleEpoch) staleEntry).current()).isEqualTo(5);
    assertThat(staleWrite).isInstanceOf(StoreException.StaleEpoch.class);
    assertThat(sameEpoch.position()).isEqualTo(at(5, 2));
    assertThat(sameEpoch.previous()).isEqualTo(at(5, 1));
    assertThat(await(store.get(collection, "b"))).isNull();
    assertThat(await(store.get(collection, "c"))).isNull();
  }

  @Test
  void applyNeverLetsAnOlderVersionOverwriteANewerOne() {
    await(store.repair(slot, ZERO, List.of(live("k", 3, new JsonObject().put("v", "three")))));

    await(store.apply(entry(slot, at(1, 1), ZERO, "k", 2, new JsonObject().put("v", "two"))));
    assertThat(await(store.state(collection, "k", slot)).toJson()).isEqualTo(live("k", 3, new JsonObject().put("v", "three")).toJson());
    await(store.apply(entry(slot, at(1, 2), at(1, 1), "k", 3, new JsonObject().put("v", "other three"))));
    assertThat(json(await(store.get(collection, "k")))).isEqualTo(new JsonObject().put("v", "three"));

    await(store.apply(entry(slot, at(1, 3), at(1, 2), "k", 4, new JsonObject().put("v", "four"))));
    assertThat(json(await(store.get(collection, "k")))).isEqualTo(new JsonObject().put("v", "four"));
    await(store.apply(entry(slot, at(1, 4), at(1, 3), "k", 5, null)));
    await(store.apply(entry(slot, at(1, 5), at(1, 4), "k", 4, new JsonObject().put("v", "late four"))));

    assertThat(await(store.get(collection, "k"))).isNull();
    assertThat(await(store.state(collection, "k", slot))).isEqualTo(new RecordState(collection, "k", slot, 5, true, null));
    assertThat(await(store.position(slot))).isEqualTo(at(1, 5));
    assertThat(await(store.entriesAfter(slot, ZERO))).hasSize(5);
  }

  // ---- readLog

  @Test
  void readLogFromZeroReturnsEveryEntryInOrder() {
    List<OplogEntry> written = writeKeys(store, slot, 1, 5);

    LogSlice slice = await(store.readLog(slot, ZERO, 100));

    assertThat(slice.trimmed()).isFalse();
    assertThat(slice.common()).isEqualTo(ZERO);
    assertThat(slice.end()).isEqualTo(at(1, 5));
    assertThat(jsonOf(slice.entries())).isEqualTo(jsonOf(written));
  }

  @Test
  void readLogFromTheMiddleReturnsAtMostLimitEntries() {
    writeKeys(store, slot, 1, 5);

    LogSlice middle = await(store.readLog(slot, at(1, 2), 2));
    LogSlice last = await(store.readLog(slot, at(1, 4), 10));
    LogSlice level = await(store.readLog(slot, at(1, 5), 10));

    assertThat(middle.common()).isEqualTo(at(1, 2));
    assertThat(positionsOf(middle.entries())).containsExactly(at(1, 3), at(1, 4));
    assertThat(middle.end()).isEqualTo(at(1, 5));
    assertThat(positionsOf(last.entries())).containsExactly(at(1, 5));
    assertThat(level.common()).isEqualTo(at(1, 5));
    assertThat(level.entries()).isEmpty();
    assertThat(List.of(middle.trimmed(), last.trimmed(), level.trimmed())).containsOnly(false);
  }

  @Test
  void readLogForARequesterWithEntriesTheSourceNeverHadAnswersTheLastCommonPosition() {
    writeKeys(store, slot, 1, 2);
    writeKeys(store, slot, 3, 2);

    LogSlice otherEpoch = await(store.readLog(slot, at(2, 4), 10));
    LogSlice furtherInEpoch = await(store.readLog(slot, at(1, 9), 10));
    LogSlice beyondTheEnd = await(store.readLog(slot, at(3, 7), 10));
    LogSlice beforeEverything = await(store.readLog(slot, at(0, 5), 10));

    assertThat(otherEpoch.common()).isEqualTo(at(1, 2));
    assertThat(positionsOf(otherEpoch.entries())).containsExactly(at(3, 1), at(3, 2));
    assertThat(furtherInEpoch.common()).isEqualTo(at(1, 2));
    assertThat(beyondTheEnd.common()).isEqualTo(at(3, 2));
    assertThat(beyondTheEnd.entries()).isEmpty();
    assertThat(beyondTheEnd.end()).isEqualTo(at(3, 2));
    assertThat(beforeEverything.common()).isEqualTo(ZERO);
    assertThat(beforeEverything.entries()).hasSize(4);
    assertThat(List.of(otherEpoch, furtherInEpoch, beyondTheEnd, beforeEverything))
        .allSatisfy(slice -> assertThat(slice.trimmed()).isFalse());
  }

  @Test
  void readLogBeforeTheTrimBoundaryAnswersTrimmed() {
    RecordStore source = emptyStore();
    writeKeys(source, slot, 1, 6);
    writeKeys(source, slot, 3, 4);

    assertThat(await(source.trim(4)).removed()).isEqualTo(6);

    for (SlotPosition after : List.of(ZERO, at(1, 1), at(1, 5))) {
      LogSlice slice = await(source.readLog(slot, after, 10));
      assertThat(slice.trimmed()).as("after %s", after).isTrue();
      assertThat(slice.entries()).isEmpty();
      assertThat(slice.end()).isEqualTo(at(3, 4));
    }
    LogSlice atBoundary = await(source.readLog(slot, at(1, 6), 10));
    assertThat(atBoundary.trimmed()).isFalse();
    assertThat(atBoundary.common()).isEqualTo(at(1, 6));
    assertThat(positionsOf(atBoundary.entries())).containsExactly(at(3, 1), at(3, 2), at(3, 3), at(3, 4));
    LogSlice divergent = await(source.readLog(slot, at(2, 5), 10));
    assertThat(divergent.trimmed()).isFalse();
    assertThat(divergent.common()).isEqualTo(at(1, 6));
    assertThat(divergent.entries()).hasSize(4);
    assertThat(await(source.readLog(slot, at(3, 2), 10)).common()).isEqualTo(at(3, 2));
  }

  // ---- trim

  @Test
  void trimKeepsTheNewestEntriesOfEachSlotAndNothingElseChanges() {
    RecordStore source = emptyStore();
    int busy = slot;
    int quiet = newSlot();
    writeKeys(source, busy, 1, 10);
    writeKeys(source, quiet, 1, 2);

    assertThat(await(source.trim(3)).removed()).isEqualTo(7);
    assertThat(await(source.trim(3)).removed()).isZero();

    assertThat(positionsOf(await(source.entriesAfter(busy, ZERO)))).containsExactly(at(1, 8), at(1, 9), at(1, 10));
    assertThat(await(source.entriesAfter(quiet, ZERO))).hasSize(2);
    assertThat(await(source.position(busy))).isEqualTo(at(1, 10));
    assertThat(await(source.get(collection, "k0_" + busy)).version()).isEqualTo(1);
    assertThat(await(count(source))).isEqualTo(12);

    OplogEntry next = await(source.create(collection, "later", busy, new JsonObject(), 1)).entry();
    assertThat(next.position()).isEqualTo(at(1, 11));
    assertThat(positionsOf(await(source.readLog(busy, at(1, 10), 10)).entries())).containsExactly(at(1, 11));

    // Keeping fewer entries than the last pass reaches the quiet slot too, though nothing was written to it since.
    assertThat(await(source.trim(0)).removed()).isEqualTo(6);
    assertThat(await(source.readLog(busy, at(1, 11), 10)).trimmed()).isFalse();
    assertThat(await(source.readLog(busy, at(1, 10), 10)).trimmed()).isTrue();
    assertThat(await(source.readLog(quiet, ZERO, 10)).trimmed()).isTrue();
  }

  // ---- repair

  @Test
  void repairRollsBackEntriesTheSourceNeverHad() {
    RecordStore source = emptyStore();
    RecordStore replica = emptyStore();
    await(source.create(collection, "a", slot, new JsonObject().put("a", 1), 1));
    await(source.create(collection, "b", slot, new JsonObject().put("b", 1), 1));
    await(source.create(collection, "c", slot, new JsonObject().put("c", 1), 1));
    replicate(source, replica, slot);
    // The replica was primary under epoch 2 and nothing it wrote was acknowledged...
    await(replica.update(collection, "a", new JsonObject().put("a", 2), Precondition.NONE, 2));
    await(replica.create(collection, "x", slot, new JsonObject(), 2));
    await(replica.delete(collection, "b", Precondition.NONE, 2));
    await(replica.update(collection, "c", new JsonObject().put("c", 2), Precondition.NONE, 2));
    // ...and the source went on under epoch 3.
    await(source.delete(collection, "c", Precondition.NONE, 3));

    LogSlice slice = await(source.readLog(slot, await(replica.position(slot)), 10));
    assertThat(slice.common()).isEqualTo(at(1, 3));
    List<OplogEntry> mine = await(replica.entriesAfter(slot, slice.common()));
    assertThat(positionsOf(mine)).containsExactly(at(2, 1), at(2, 2), at(2, 3), at(2, 4));
    List<RecordState> states = new ArrayList<>();
    for (OplogEntry entry : mine) {
      states.add(await(source.state(entry.collection(), entry.key(), slot)));
    }

    await(replica.repair(slot, slice.common(), states));

    assertThat(await(replica.position(slot))).isEqualTo(at(1, 3));
    assertThat(await(replica.entriesAfter(slot, at(1, 3)))).isEmpty();
    assertThat(await(replica.entriesAfter(slot, ZERO))).hasSize(3);
    assertThat(await(replica.state(collection, "x", slot))).isEqualTo(RecordState.absent(collection, "x", slot));
    assertThat(json(await(replica.get(collection, "a")))).isEqualTo(new JsonObject().put("a", 1));
    assertThat(await(replica.get(collection, "b")).version()).isEqualTo(1);
    assertThat(await(replica.state(collection, "c", slot))).isEqualTo(new RecordState(collection, "c", slot, 2, true, null));
    replicate(source, replica, slot);
    assertThat(await(replica.position(slot))).isEqualTo(at(3, 1));
    assertSameSlot(source, replica, slot);
  }

  // ---- snapshot and install

  @Test
  void snapshotAndInstallCopyASlotWithItsTombstonesAndPosition() {
    int otherSlot = newSlot();
    await(store.create(collection, "a", slot, new JsonObject().put("a", 1), 2));
    await(store.create(collection, "b", slot, new JsonObject().put("b", 1), 2));
    await(store.create(collection, "c", slot, new JsonObject().put("c", 1), 2));
    await(store.delete(collection, "b", Precondition.NONE, 2));
    await(store.update(collection, "a", new JsonObject().put("a", 2), Precondition.NONE, 2));
    await(store.create(collection, "z", otherSlot, new JsonObject(), 2));

    SlotSnapshot snapshot = await(store.snapshot(slot));

    assertThat(snapshot.slot()).isEqualTo(slot);
    assertThat(snapshot.position()).isEqualTo(at(2, 5));
    assertThat(snapshot.records().stream().map(RecordState::toJson).toList()).containsExactly(
        live("a", 2, new JsonObject().put("a", 2)).toJson(),
        new RecordState(collection, "b", slot, 2, true, null).toJson(),
        live("c", 1, new JsonObject().put("c", 1)).toJson());

    RecordStore target = emptyStore();
    await(target.create(collection, "stale", slot, new JsonObject(), 7));
    await(target.create(collection, "a", slot, new JsonObject().put("theirs", true), 7));
    await(target.create(collection, "kept", otherSlot, new JsonObject(), 7));

    await(target.install(snapshot));

    assertThat(await(target.state(collection, "stale", slot)).exists()).isFalse();
    assertThat(json(await(target.get(collection, "a")))).isEqualTo(new JsonObject().put("a", 2));
    assertThat(await(target.state(collection, "b", slot))).isEqualTo(new RecordState(collection, "b", slot, 2, true, null));
    assertThat(await(target.get(collection, "kept"))).isNotNull();
    assertThat(await(target.position(otherSlot))).isEqualTo(at(7, 1));
    assertThat(await(target.position(slot))).isEqualTo(at(2, 5));
    assertThat(await(target.entriesAfter(slot, ZERO))).isEmpty();
    assertThat(await(target.readLog(slot, ZERO, 10)).trimmed()).isTrue();
    assertThat(await(target.readLog(slot, at(2, 5), 10)).trimmed()).isFalse();
    assertSameSlot(store, target, slot);

    OplogEntry next = await(store.create(collection, "d", slot, new JsonObject(), 2)).entry();
    await(target.apply(next));
    assertSameSlot(store, target, slot);
  }

  @Test
  void aSnapshotOfASlotNeverWrittenIsEmptyAtZero() {
    SlotSnapshot snapshot = await(store.snapshot(slot));

    assertThat(snapshot).isEqualTo(new SlotSnapshot(slot, ZERO, List.of()));
  }

  // ---- checksums

  @Test
  void checksumsAreEqualForEqualContentAndDifferAfterOneChange() {
    RecordStore one = emptyStore();
    RecordStore two = emptyStore();
    assertThat(await(one.checksums())).isEmpty();
    int otherSlot = newSlot();
    int onlyTombstones = newSlot();
    List<String> keys = List.of("k1", "k2", "k3", "ключ😀");
    for (int i = 0; i < keys.size(); i++) {
      String key = keys.get(i);
      String reversed = keys.get(keys.size() - 1 - i);
      await(one.create(collection, key, slot, new JsonObject().put("key", key), 1));
      await(two.create(collection, reversed, slot, new JsonObject().put("key", reversed), 1));
    }
    for (RecordStore each : List.of(one, two)) {
      await(each.create(collection, "other", otherSlot, new JsonObject(), 1));
      await(each.create(collection, "gone", onlyTombstones, new JsonObject(), 1));
      await(each.delete(collection, "gone", Precondition.NONE, 1));
    }
    await(one.create(collection, "deleted", slot, new JsonObject(), 1));
    await(one.delete(collection, "deleted", Precondition.NONE, 1));

    Map<Integer, SlotChecksum> before = await(one.checksums());
    assertThat(await(two.checksums())).isEqualTo(before);
    assertThat(before.keySet()).containsExactlyInAnyOrder(slot, otherSlot);
    assertThat(before.get(slot).records()).isEqualTo(4);

    await(two.update(collection, "k1", new JsonObject().put("key", "changed"), Precondition.NONE, 1));
    Map<Integer, SlotChecksum> afterUpdate = await(two.checksums());
    assertThat(afterUpdate.get(slot).hash()).isNotEqualTo(before.get(slot).hash());
    assertThat(afterUpdate.get(slot).records()).isEqualTo(4);
    assertThat(afterUpdate.get(otherSlot)).isEqualTo(before.get(otherSlot));

    // The same document at another version is other content.
    await(one.replace(collection, "other", new JsonObject(), Precondition.NONE, 1));
    assertThat(await(one.checksums()).get(otherSlot)).isNotEqualTo(before.get(otherSlot));
  }

  // ---- concurrency

  @Test
  void concurrentWritesToOneSlotTakeConsecutiveSeqs() throws Exception {
    int writers = 40;
    await(store.create(collection, "hot", slot, new JsonObject(), 4));
    ExecutorService callers = Executors.newFixedThreadPool(8);
    List<Future<Change>> writes = new ArrayList<>();
    try {
      List<java.util.concurrent.Future<Future<Change>>> submitted = new ArrayList<>();
      for (int i = 0; i < writers; i++) {
        int n = i;
        submitted.add(callers.submit(() -> n % 2 == 0
            ? store.create(collection, "w" + n, slot, new JsonObject().put("n", n), 4)
            : store.update(collection, "hot", new JsonObject().put("w" + n, n), Precondition.EXISTS, 4)));
      }
      for (java.util.concurrent.Future<Future<Change>> call : submitted) {
        writes.add(call.get(30, TimeUnit.SECONDS));
      }
    } finally {
      callers.shutdownNow();
    }

    List<OplogEntry> entries = new ArrayList<>();
    for (Future<Change> write : writes) {
      entries.add(await(write).entry());
    }

    assertThat(entries.stream().map(e -> e.position().seq()).toList())
        .containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(2, writers + 1).boxed().toList());
    assertThat(entries).allSatisfy(e -> assertThat(e.previous()).isEqualTo(at(4, e.position().seq() - 1)));
    List<OplogEntry> logged = await(store.readLog(slot, ZERO, 1000)).entries();
    assertThat(positionsOf(logged))
        .isEqualTo(LongStream.rangeClosed(1, writers + 1).mapToObj(seq -> at(4, seq)).toList());
    assertThat(await(store.position(slot))).isEqualTo(at(4, writers + 1));
  }

  @Test
  void concurrentCreatesOfNeighbouringKeysInManySlotsAllSucceed() {
    // Keys next to each other in the primary key but in different slots: a store that locked gaps
    // around absent keys would deadlock here.
    List<Future<Change>> creates = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      creates.add(store.create(collection, String.format("n%03d", i * 2), newSlot(), new JsonObject(), 1));
    }
    for (int i = 0; i < 40; i++) {
      creates.add(store.create(collection, String.format("n%03d", i * 2 + 1), newSlot(), new JsonObject(), 1));
    }

    for (Future<Change> create : creates) {
      assertThat(failureOrNull(create)).isNull();
    }
    assertThat(await(keys(store, collection))).hasSize(80);
  }

  // ---- replication end to end

  @Test
  void aReplicaFedThroughReadLogAndApplyConvergesWithThePrimary() {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    RecordStore primary = emptyStore();
    RecordStore replica = emptyStore();
    int[] slots = {slot, newSlot(), newSlot()};
    long epoch = 1;
    int succeeded = 0;

    for (int i = 0; i < 240; i++) {
      if (random.nextInt(40) == 0) {
        epoch += 1 + random.nextInt(3);
      }
      int k = random.nextInt(12);
      String key = "k" + k;
      JsonObject body = new JsonObject().put("i", i).put("r", random.nextInt(1000));
      Future<Change> write = switch (random.nextInt(4)) {
        case 0 -> primary.create(collection, key, slots[k % 3], body, epoch);
        case 1 -> primary.replace(collection, key, body, Precondition.NONE, epoch);
        case 2 -> primary.update(collection, key, body, Precondition.NONE, epoch);
        default -> primary.delete(collection, key, Precondition.NONE, epoch);
      };
      if (failureOrNull(write) == null) {
        succeeded++;
      }
      if (i % 60 == 59) {
        for (int s : slots) {
          replicate(primary, replica, s);
        }
      }
    }

    assertThat(succeeded).as("seed %d", seed).isGreaterThan(60);
    for (int s : slots) {
      replicate(primary, replica, s);
      assertSameSlot(primary, replica, s);
    }
    assertThat(await(replica.positions())).as("seed %d", seed).isEqualTo(await(primary.positions()));
    assertThat(await(replica.checksums())).as("seed %d", seed).isEqualTo(await(primary.checksums()));
  }

  // ---- context and arguments

  @Test
  void replicationResultsArriveOnTheCallersContext() throws Exception {
    RecordStore own = emptyStore();
    RecordStore other = emptyStore();
    OplogEntry first = await(other.create(collection, "a", slot, new JsonObject(), 1)).entry();
    Context caller = vertx.getOrCreateContext();
    CompletableFuture<List<Boolean>> onCaller = new CompletableFuture<>();
    caller.runOnContext(ignored -> {
      List<Boolean> checks = new ArrayList<>();
      own.apply(first)
          .andThen(done -> checks.add(Vertx.currentContext() == caller))
          .compose(done -> own.position(slot))
          .andThen(done -> checks.add(Vertx.currentContext() == caller))
          .compose(done -> own.positions())
          .andThen(done -> checks.add(Vertx.currentContext() == caller))
          .compose(done -> own.readLog(slot, ZERO, 10))
          .andThen(done -> checks.add(Vertx.currentContext() == caller))
          .compose(done -> own.entriesAfter(slot, ZERO))
          .andThen(done -> checks.add(Vertx.currentContext() == caller))
          .compose(done -> own.state(collection, "a", slot))
          .andThen(done -> checks.add(Vertx.currentContext() == caller))
          .compose(done -> own.snapshot(slot))
          .andThen(done -> checks.add(Vertx.currentContext() == caller))
          .compose(own::install)
          .andThen(done -> checks.add(Vertx.currentContext() == caller))
          .compose(done -> own.repair(slot, at(1, 1), List.of()))
          .andThen(done -> checks.add(Vertx.currentContext() == caller))
          .compose(done -> own.checksums())
          .andThen(done -> checks.add(Vertx.currentContext() == caller))
          .compose(done -> own.trim(0))
          .andThen(done -> checks.add(Vertx.currentContext() == caller))
          .compose(done -> own.apply(entry(slot, at(1, 2), ZERO, "b", 1, new JsonObject())))
          .onComplete(gap -> {
            checks.add(gap.cause() instanceof StoreException.Gap);
            checks.add(Vertx.currentContext() == caller);
            onCaller.complete(checks);
          });
    });

    assertThat(onCaller.get(30, TimeUnit.SECONDS)).hasSize(13).containsOnly(true);
  }

  @Test
  void invalidReplicationArgumentsFailTheFutureAndChangeNothing() {
    OplogEntry liveWithoutDocument = new OplogEntry(slot, at(1, 1), ZERO, collection, "k", 1, false, null);
    OplogEntry notAfterPrevious = entry(slot, at(1, 1), at(1, 1), "k", 1, new JsonObject());
    RecordState ofAnotherSlot = new RecordState(collection, "k", slot + 1, 1, false, Buffer.buffer("{}"));

    assertInvalid(store.create(collection, "k", slot, new JsonObject(), 0), "epoch");
    assertInvalid(store.update(collection, "k", new JsonObject(), Precondition.NONE, -1), "epoch");
    assertInvalid(store.readLog(slot, ZERO, 0), "limit");
    assertInvalid(store.readLog(slot, null, 10), "after");
    assertInvalid(store.readLog(-1, ZERO, 10), "slot");
    assertInvalid(store.position(-1), "slot");
    assertInvalid(store.apply(null), "entry");
    assertInvalid(store.apply(liveWithoutDocument), "document");
    assertInvalid(store.apply(notAfterPrevious), "after its previous");
    assertInvalid(store.repair(slot, ZERO, List.of(ofAnotherSlot)), "slot");
    assertInvalid(store.repair(slot, null, List.of()), "common");
    assertInvalid(store.install(null), "snapshot");
    assertInvalid(store.install(new SlotSnapshot(slot, at(1, 1), List.of(ofAnotherSlot))), "slot");
    assertInvalid(store.trim(-1), "keepPerSlot");
    assertThat(await(store.position(slot))).isEqualTo(ZERO);
    assertThat(await(store.state(collection, "k", slot)).exists()).isFalse();
  }

  // ---- helpers

  protected static SlotPosition at(long epoch, long seq) {
    return new SlotPosition(epoch, seq);
  }

  /** An entry as a primary would send it; a null document makes it a delete. */
  protected OplogEntry entry(int slot, SlotPosition position, SlotPosition previous, String key, long version,
      JsonObject document) {
    return new OplogEntry(slot, position, previous, collection, key, version, document == null,
        document == null ? null : Buffer.buffer(document.encode()));
  }

  protected RecordState live(String key, long version, JsonObject document) {
    return new RecordState(collection, key, slot, version, false, Buffer.buffer(document.encode()));
  }

  /** Creates keys "k0", "k1"... (continuing after those present) in a slot under one epoch. */
  protected List<OplogEntry> writeKeys(RecordStore on, int slot, long epoch, int n) {
    List<OplogEntry> entries = new ArrayList<>();
    int start = await(on.entriesAfter(slot, ZERO)).size();
    for (int i = start; i < start + n; i++) {
      entries.add(await(on.create(collection, "k" + i + "_" + slot, slot, new JsonObject().put("i", i), epoch)).entry());
    }
    return entries;
  }

  /** Brings the target's slot level with the source's through readLog and apply, a few entries at a time. */
  protected static void replicate(RecordStore source, RecordStore target, int slot) {
    for (int round = 0; round < 10_000; round++) {
      SlotPosition position = await(target.position(slot));
      LogSlice slice = await(source.readLog(slot, position, 3));
      assertThat(slice.trimmed()).isFalse();
      assertThat(slice.common()).isEqualTo(position);
      if (slice.entries().isEmpty()) {
        assertThat(position).isEqualTo(slice.end());
        return;
      }
      for (OplogEntry entry : slice.entries()) {
        await(target.apply(entry));
      }
    }
    throw new AssertionError("slot " + slot + " did not converge");
  }

  /** Same records, tombstones, position and checksum of one slot. */
  protected static void assertSameSlot(RecordStore expected, RecordStore actual, int slot) {
    SlotSnapshot want = await(expected.snapshot(slot));
    SlotSnapshot have = await(actual.snapshot(slot));
    assertThat(have.position()).as("position of slot %d", slot).isEqualTo(want.position());
    assertThat(have.records().stream().map(RecordState::toJson).toList()).as("records of slot %d", slot)
        .isEqualTo(want.records().stream().map(RecordState::toJson).toList());
    assertThat(await(actual.checksums()).get(slot)).as("checksum of slot %d", slot)
        .isEqualTo(await(expected.checksums()).get(slot));
  }

  private void assertEntry(OplogEntry entry, SlotPosition position, SlotPosition previous, String key, long version,
      JsonObject document) {
    assertThat(entry.toJson()).isEqualTo(entry(slot, position, previous, key, version, document).toJson());
  }

  protected static List<JsonObject> jsonOf(List<OplogEntry> entries) {
    return entries.stream().map(OplogEntry::toJson).toList();
  }

  protected static List<SlotPosition> positionsOf(List<OplogEntry> entries) {
    return entries.stream().map(OplogEntry::position).toList();
  }

  private static void assertInvalid(Future<?> future, String messagePart) {
    assertThat(failureOf(future)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(messagePart);
  }
}
