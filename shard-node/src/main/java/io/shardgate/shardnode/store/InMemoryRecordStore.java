package io.shardgate.shardnode.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The dev-mode store: records, oplogs and slot positions in memory, lost when the process exits.
 * Every operation runs under one lock, so the store may be shared between event loops and each
 * operation is atomic like the MySQL store's transaction; the sections are short and never wait for
 * I/O. Futures are already complete when returned.
 */
public final class InMemoryRecordStore implements RecordStore {

  private record Id(String collection, String key) {}

  private static final Comparator<Id> ID_ORDER = Comparator.comparing(Id::collection, StoreRules.CODE_POINT_ORDER)
      .thenComparing(Id::key, StoreRules.CODE_POINT_ORDER);

  /** One slot's oplog and position; entries are kept with their own copy of the document bytes. */
  private static final class SlotLog {
    private SlotPosition position = SlotPosition.ZERO;
    private SlotPosition trimmedUpTo = SlotPosition.ZERO;
    private final NavigableMap<SlotPosition, OplogEntry> entries = new TreeMap<>();

    void append(OplogEntry entry) {
      entries.put(entry.position(), copy(entry));
      position = entry.position();
    }
  }

  private final Object lock = new Object();
  /** Rows hold encoded documents, so a caller mutating its JsonObject cannot change stored data. */
  private final Map<Id, RecordRow> records = new HashMap<>();
  private final Map<Integer, SlotLog> slots = new HashMap<>();

  @Override
  public Future<Void> start() {
    return Future.succeededFuture();
  }

  @Override
  public Future<StoredRecord> get(String collection, String key) {
    return atomically(() -> {
      RecordStore.requireValidId(collection, key);
      RecordRow row = records.get(new Id(collection, key));
      return row == null || row.deleted() ? null : row.toRecord(collection, key);
    });
  }

  @Override
  public Future<Change> create(String collection, String key, int slot, JsonObject document, long epoch) {
    return StoreRules.attempt(() -> {
      StoreRules.requireValidCreate(collection, key, slot, document);
      LogRules.requireValidEpoch(epoch);
      return write(new Id(collection, key), slot, epoch, PrimaryWrite.create(collection, key, slot, document.encode()));
    });
  }

  @Override
  public Future<Change> replace(
      String collection, String key, JsonObject document, Precondition precondition, long epoch) {
    return StoreRules.attempt(() -> {
      StoreRules.requireValidChange(collection, key, "document", document, precondition);
      LogRules.requireValidEpoch(epoch);
      return write(new Id(collection, key), null, epoch,
          PrimaryWrite.replace(collection, key, precondition, document.encode()));
    });
  }

  @Override
  public Future<Change> update(
      String collection, String key, JsonObject patch, Precondition precondition, long epoch) {
    return StoreRules.attempt(() -> {
      StoreRules.requireValidChange(collection, key, "patch", patch, precondition);
      LogRules.requireValidEpoch(epoch);
      return write(new Id(collection, key), null, epoch, PrimaryWrite.update(collection, key, precondition, patch));
    });
  }

  @Override
  public Future<Change> delete(String collection, String key, Precondition precondition, long epoch) {
    return StoreRules.attempt(() -> {
      StoreRules.requireValidDelete(collection, key, precondition);
      LogRules.requireValidEpoch(epoch);
      return write(new Id(collection, key), null, epoch, PrimaryWrite.delete(collection, key, precondition));
    });
  }

  @Override
  public Future<SlotPosition> position(int slot) {
    return atomically(() -> {
      StoreRules.requireValidSlot(slot);
      SlotLog log = slots.get(slot);
      return log == null ? SlotPosition.ZERO : log.position;
    });
  }

  @Override
  public Future<Map<Integer, SlotPosition>> positions() {
    return atomically(() -> {
      Map<Integer, SlotPosition> positions = new TreeMap<>();
      slots.forEach((slot, log) -> {
        if (!log.position.equals(SlotPosition.ZERO)) {
          positions.put(slot, log.position);
        }
      });
      return positions;
    });
  }

  @Override
  public Future<Void> apply(OplogEntry entry) {
    return atomically(() -> {
      LogRules.requireValid(entry);
      SlotLog log = slot(entry.slot());
      if (LogRules.mustApply(entry, log.position)) {
        Id id = new Id(entry.collection(), entry.key());
        RecordRow stored = records.get(id);
        if (entry.version() > (stored == null ? 0 : stored.version())) {
          records.put(id, RecordRow.of(entry));
        }
        log.append(entry);
      }
      return null;
    });
  }

  @Override
  public Future<LogSlice> readLog(int slot, SlotPosition after, int limit) {
    return atomically(() -> {
      StoreRules.requireValidSlot(slot);
      LogRules.requireValidPosition("after", after);
      LogRules.requireValidLimit(limit);
      SlotLog log = slots.getOrDefault(slot, new SlotLog());
      if (LogRules.isTrimmed(after, log.trimmedUpTo)) {
        return LogRules.trimmed(log.position);
      }
      SlotPosition common = LogRules.common(log.entries.floorKey(after), log.trimmedUpTo);
      List<OplogEntry> entries = log.entries.tailMap(common, false).values().stream()
          .limit(limit)
          .map(InMemoryRecordStore::copy)
          .toList();
      return new LogSlice(false, common, entries, log.position);
    });
  }

  @Override
  public Future<List<OplogEntry>> entriesAfter(int slot, SlotPosition after) {
    return atomically(() -> {
      StoreRules.requireValidSlot(slot);
      LogRules.requireValidPosition("after", after);
      SlotLog log = slots.get(slot);
      return log == null ? List.of()
          : log.entries.tailMap(after, false).values().stream().map(InMemoryRecordStore::copy).toList();
    });
  }

  @Override
  public Future<RecordState> state(String collection, String key, int slot) {
    return atomically(() -> {
      RecordStore.requireValidId(collection, key);
      StoreRules.requireValidSlot(slot);
      RecordRow row = records.get(new Id(collection, key));
      return row == null ? RecordState.absent(collection, key, slot) : row.toState(collection, key);
    });
  }

  @Override
  public Future<Void> repair(int slot, SlotPosition common, List<RecordState> states) {
    return atomically(() -> {
      StoreRules.requireValidSlot(slot);
      LogRules.requireValidPosition("common", common);
      StoreRules.requirePresent("states", states);
      states.forEach(state -> LogRules.requireValid(slot, state));
      for (RecordState state : states) {
        Id id = new Id(state.collection(), state.key());
        RecordRow row = RecordRow.of(state);
        if (row == null) {
          records.remove(id);
        } else {
          records.put(id, row);
        }
      }
      SlotLog log = slot(slot);
      log.entries.tailMap(common, false).clear();
      log.position = common;
      // Entries up to the old boundary are gone; after the rollback none lies beyond common either.
      if (log.trimmedUpTo.isAfter(common)) {
        log.trimmedUpTo = common;
      }
      return null;
    });
  }

  @Override
  public Future<SlotSnapshot> snapshot(int slot) {
    return atomically(() -> {
      StoreRules.requireValidSlot(slot);
      SlotLog log = slots.get(slot);
      List<RecordState> states = records.entrySet().stream()
          .filter(record -> record.getValue().slot() == slot)
          .sorted(Map.Entry.comparingByKey(ID_ORDER))
          .map(record -> record.getValue().toState(record.getKey().collection(), record.getKey().key()))
          .toList();
      return new SlotSnapshot(slot, log == null ? SlotPosition.ZERO : log.position, states);
    });
  }

  @Override
  public Future<Void> install(SlotSnapshot snapshot) {
    return atomically(() -> {
      LogRules.requireValid(snapshot);
      records.values().removeIf(row -> row.slot() == snapshot.slot());
      for (RecordState state : snapshot.records()) {
        RecordRow row = RecordRow.of(state);
        if (row != null) {
          records.put(new Id(state.collection(), state.key()), row);
        }
      }
      SlotLog log = slot(snapshot.slot());
      log.entries.clear();
      log.position = snapshot.position();
      log.trimmedUpTo = snapshot.position();
      return null;
    });
  }

  @Override
  public Future<Map<Integer, SlotChecksum>> checksums() {
    return atomically(() -> {
      Checksums checksums = new Checksums();
      records.forEach((id, row) -> {
        if (!row.deleted()) {
          checksums.add(row.slot(), id.collection(), id.key(), row.version(), row.document());
        }
      });
      return checksums.result();
    });
  }

  @Override
  public Future<TrimPass> trim(int keepPerSlot) {
    return atomically(() -> {
      if (keepPerSlot < 0) {
        throw new IllegalArgumentException("keepPerSlot must not be negative, was " + keepPerSlot);
      }
      long removed = 0;
      for (SlotLog log : slots.values()) {
        while (log.entries.size() > keepPerSlot) {
          log.trimmedUpTo = log.entries.pollFirstEntry().getKey();
          removed++;
        }
      }
      return new TrimPass(slots.size(), removed);
    });
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }

  /** Number of live records in all collections (tombstones are not counted). */
  public Future<Long> count() {
    return atomically(() -> records.values().stream().filter(row -> !row.deleted()).count());
  }

  /** The keys of one collection's live records in code point order (the MySQL store's order). */
  public Future<List<String>> keys(String collection) {
    return atomically(() -> {
      StoreRules.requirePresent("collection", collection);
      return records.entrySet().stream()
          .filter(record -> record.getKey().collection().equals(collection) && !record.getValue().deleted())
          .map(record -> record.getKey().key())
          .sorted(StoreRules.CODE_POINT_ORDER)
          .toList();
    });
  }

  /**
   * A primary write: the slot is the create's, else the stored row's; the position is checked
   * before the record, as in the MySQL store, which locks the slot first.
   */
  private Future<Change> write(Id id, Integer createSlot, long epoch, PrimaryWrite write) {
    return atomically(() -> {
      RecordRow current = records.get(id);
      if (createSlot == null && current == null) {
        throw new StoreException.NotFound(id.collection(), id.key());
      }
      int slot = createSlot != null ? createSlot : current.slot();
      SlotLog log = slot(slot);
      SlotPosition position = LogRules.next(slot, log.position, epoch);
      RecordRow next = write.next(current);
      Change change = PrimaryWrite.change(id.collection(), id.key(), current, next, log.position, position);
      records.put(id, next);
      log.append(change.entry());
      return change;
    });
  }

  private SlotLog slot(int slot) {
    return slots.computeIfAbsent(slot, ignored -> new SlotLog());
  }

  /** Runs an operation under the store's lock; any exception fails the returned future. */
  private <T> Future<T> atomically(Supplier<T> operation) {
    return StoreRules.attempt(() -> {
      synchronized (lock) {
        return Future.succeededFuture(operation.get());
      }
    });
  }

  /** Buffers are mutable: stored entries and the ones handed out never share one. */
  private static OplogEntry copy(OplogEntry entry) {
    return entry.document() == null ? entry
        : new OplogEntry(entry.slot(), entry.position(), entry.previous(), entry.collection(), entry.key(),
            entry.version(), entry.deleted(), entry.document().copy());
  }
}
