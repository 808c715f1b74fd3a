package io.shardgate.shardnode.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.mysqlclient.MySQLBuilder;
import io.vertx.mysqlclient.MySQLConnectOptions;
import io.vertx.mysqlclient.MySQLConnection;
import io.vertx.sqlclient.DatabaseException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Records, oplog and slot positions in one MySQL/MariaDB database (tables in {@link MySqlSchema}),
 * through the Vert.x reactive client. Every statement is parameterised; the only SQL built from
 * configuration is the database name in CREATE DATABASE, which {@link MySqlStoreConfig} restricts
 * to {@code [A-Za-z0-9_]}.
 *
 * <p>Every write, apply, repair, install and trim step is one READ COMMITTED transaction that first
 * locks the slot's {@code slot_state} row, then the record's row: writes of one slot queue on that
 * lock, so positions never skip or repeat, and the fixed lock order cannot deadlock. READ COMMITTED
 * because REPEATABLE READ would gap-lock around absent keys, and two creates in different slots
 * whose keys share a gap would deadlock on each other's inserts. Reads that must see a slot as of
 * one instant (readLog, snapshot, checksums) run in one REPEATABLE READ transaction instead.
 */
public final class MySqlRecordStore implements RecordStore {

  private static final int ER_DUP_ENTRY = 1062;
  private static final int DEFAULT_TRIM_BATCH = 1_000;
  private static final int WRITE_BATCH = 500;
  private static final int CHECKSUM_PAGE = 1_000;
  private static final int SLOT_ATTEMPTS = 3;
  private static final AtomicInteger POOL_SEQUENCE = new AtomicInteger();

  private static final String WRITING = "SET TRANSACTION ISOLATION LEVEL READ COMMITTED";
  private static final String READING = "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ";

  private static final String ROW_COLUMNS = "slot, version, deleted, doc";
  private static final String SELECT_LIVE = "SELECT slot, version, doc FROM records"
      + " WHERE collection = ? AND record_key = ? AND deleted = 0";
  private static final String SELECT_ROW = "SELECT " + ROW_COLUMNS + " FROM records WHERE collection = ? AND record_key = ?";
  private static final String LOCK_ROW = SELECT_ROW + " FOR UPDATE";
  private static final String SLOT_OF_ROW = "SELECT slot FROM records WHERE collection = ? AND record_key = ?";
  private static final String INSERT_ROW = "INSERT INTO records (collection, record_key, " + ROW_COLUMNS + ", updated_at)"
      + " VALUES (?, ?, ?, ?, ?, ?, CURRENT_TIMESTAMP(3))";
  private static final String UPSERT_ROW = INSERT_ROW + " ON DUPLICATE KEY UPDATE slot = VALUES(slot),"
      + " version = VALUES(version), deleted = VALUES(deleted), doc = VALUES(doc), updated_at = VALUES(updated_at)";
  private static final String UPDATE_ROW = "UPDATE records SET slot = ?, version = ?, deleted = ?, doc = ?,"
      + " updated_at = CURRENT_TIMESTAMP(3) WHERE collection = ? AND record_key = ?";
  private static final String DELETE_ROW = "DELETE FROM records WHERE collection = ? AND record_key = ?";
  private static final String SLOT_ROWS = "SELECT collection, record_key, " + ROW_COLUMNS + " FROM records"
      + " WHERE slot = ? ORDER BY collection, record_key";
  private static final String DELETE_SLOT_ROWS = "DELETE FROM records WHERE slot = ?";
  private static final String LIVE_PAGE = "SELECT collection, record_key, slot, version, doc FROM records"
      + " WHERE deleted = 0 AND (collection > ? OR (collection = ? AND record_key > ?))"
      + " ORDER BY collection, record_key LIMIT ?";
  private static final String COUNT = "SELECT COUNT(*) FROM records WHERE deleted = 0";
  private static final String KEYS = "SELECT record_key FROM records WHERE collection = ? AND deleted = 0 ORDER BY record_key";

  private static final String ENSURE_SLOT = "INSERT IGNORE INTO slot_state (slot) VALUES (?)";
  private static final String SELECT_SLOT = "SELECT epoch, seq, trimmed_epoch, trimmed_seq FROM slot_state WHERE slot = ?";
  private static final String LOCK_SLOT = SELECT_SLOT + " FOR UPDATE";
  private static final String MOVE_SLOT = "UPDATE slot_state SET epoch = ?, seq = ? WHERE slot = ?";
  private static final String SET_SLOT = "UPDATE slot_state SET epoch = ?, seq = ?, trimmed_epoch = ?, trimmed_seq = ?"
      + " WHERE slot = ?";
  private static final String SET_TRIMMED = "UPDATE slot_state SET trimmed_epoch = ?, trimmed_seq = ? WHERE slot = ?";
  private static final String POSITIONS = "SELECT slot, epoch, seq FROM slot_state WHERE epoch <> 0 OR seq <> 0";
  private static final String SLOTS = "SELECT slot FROM slot_state ORDER BY slot";

  // Position ranges spelled out, not as (epoch, seq) > (?, ?), so MariaDB uses the primary key range.
  private static final String AFTER = "(epoch > ? OR (epoch = ? AND seq > ?))";
  private static final String UP_TO = "(epoch < ? OR (epoch = ? AND seq <= ?))";
  private static final String ENTRY_COLUMNS = "slot, epoch, seq, prev_epoch, prev_seq, collection, record_key, version,"
      + " deleted, doc";
  private static final String INSERT_ENTRY = "INSERT INTO oplog (" + ENTRY_COLUMNS + ", created_at)"
      + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, CURRENT_TIMESTAMP(3))";
  private static final String ENTRIES_AFTER = "SELECT " + ENTRY_COLUMNS + " FROM oplog WHERE slot = ? AND " + AFTER
      + " ORDER BY epoch, seq";
  private static final String ENTRIES_AFTER_LIMITED = ENTRIES_AFTER + " LIMIT ?";
  private static final String FLOOR = "SELECT epoch, seq FROM oplog WHERE slot = ? AND " + UP_TO
      + " ORDER BY epoch DESC, seq DESC LIMIT 1";
  private static final String NEWEST_BEYOND = "SELECT epoch, seq FROM oplog WHERE slot = ?"
      + " ORDER BY epoch DESC, seq DESC LIMIT 1 OFFSET ?";
  private static final String OLDEST_AT = "SELECT epoch, seq FROM oplog WHERE slot = ? ORDER BY epoch, seq LIMIT 1 OFFSET ?";
  private static final String DELETE_ENTRIES_AFTER = "DELETE FROM oplog WHERE slot = ? AND " + AFTER;
  private static final String DELETE_ENTRIES_UP_TO = "DELETE FROM oplog WHERE slot = ? AND " + UP_TO;
  private static final String DELETE_SLOT_ENTRIES = "DELETE FROM oplog WHERE slot = ?";

  /** A slot's position and the last position trimmed from its log. */
  private record SlotState(SlotPosition position, SlotPosition trimmedUpTo) {
    static SlotState of(Row row) {
      return row == null ? new SlotState(SlotPosition.ZERO, SlotPosition.ZERO)
          : new SlotState(new SlotPosition(row.getLong("epoch"), row.getLong("seq")),
              new SlotPosition(row.getLong("trimmed_epoch"), row.getLong("trimmed_seq")));
    }
  }

  /** One step of trimming a slot. */
  private record TrimStep(long removed, boolean done) {}

  /** The row changed slots between reading its slot and locking it; the write is tried again. */
  private static final class SlotMoved extends IllegalStateException {
    SlotMoved(String collection, String key) {
      super(collection + "/" + key + " moved to another slot during the write");
    }
  }

  private final Vertx vertx;
  private final MySqlStoreConfig config;
  private final int trimBatch;
  /** Slots whose slot_state row exists; rows are never deleted, so this only grows. */
  private final Set<Integer> knownSlots = ConcurrentHashMap.newKeySet();
  private final TrimBacklog trimBacklog = new TrimBacklog();
  private volatile Pool pool;

  public MySqlRecordStore(Vertx vertx, MySqlStoreConfig config) {
    this(vertx, config, DEFAULT_TRIM_BATCH);
  }

  /** @param trimBatch oplog entries trim removes per transaction (small in tests, to cover batching) */
  MySqlRecordStore(Vertx vertx, MySqlStoreConfig config, int trimBatch) {
    if (vertx == null || config == null) {
      throw new IllegalArgumentException("vertx and config must not be null");
    }
    if (trimBatch < 1) {
      throw new IllegalArgumentException("trimBatch must be at least 1, was " + trimBatch);
    }
    this.vertx = vertx;
    this.config = config;
    this.trimBatch = trimBatch;
  }

  /** Creates the database and the tables if absent, migrating an older records table, then opens the pool. */
  @Override
  public Future<Void> start() {
    if (pool != null) {
      return Future.failedFuture(new IllegalStateException("store already started"));
    }
    // The database may not exist yet, so this first connection names none.
    MySQLConnectOptions server = connectOptions().setDatabase("");
    String createDatabase = "CREATE DATABASE IF NOT EXISTS `" + config.database() + "`"
        + " CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin";
    return MySQLConnection.connect(vertx, server)
        .compose(connection -> connection.query(createDatabase).execute().eventually(connection::close))
        .compose(created -> {
          Pool opened = MySQLBuilder.pool()
              .with(poolOptions())
              .connectingTo(connectOptions())
              .using(vertx)
              .build();
          pool = opened;
          return MySqlSchema.prepare(opened);
        });
  }

  @Override
  public Future<StoredRecord> get(String collection, String key) {
    return StoreRules.attempt(() -> {
      RecordStore.requireValidId(collection, key);
      return pool().preparedQuery(SELECT_LIVE)
          .execute(Tuple.of(collection, key))
          .map(rows -> {
            Row row = singleRow(rows);
            return row == null ? null : new StoredRecord(collection, key, row.getInteger("slot"),
                row.getLong("version"), Buffer.buffer(row.getString("doc")));
          });
    });
  }

  @Override
  public Future<Change> create(String collection, String key, int slot, JsonObject document, long epoch) {
    return StoreRules.attempt(() -> {
      StoreRules.requireValidCreate(collection, key, slot, document);
      LogRules.requireValidEpoch(epoch);
      PrimaryWrite create = PrimaryWrite.create(collection, key, slot, document.encode());
      // A create of the same key under another slot can insert between our lock and our insert.
      return primaryWrite(collection, key, slot, false, epoch, create)
          .recover(failure -> Future.failedFuture(isDuplicateKey(failure)
              ? new StoreException.AlreadyExists(collection, key)
              : failure));
    });
  }

  @Override
  public Future<Change> replace(
      String collection, String key, JsonObject document, Precondition precondition, long epoch) {
    return StoreRules.attempt(() -> {
      StoreRules.requireValidChange(collection, key, "document", document, precondition);
      LogRules.requireValidEpoch(epoch);
      return writeExisting(collection, key, epoch,
          PrimaryWrite.replace(collection, key, precondition, document.encode()), SLOT_ATTEMPTS);
    });
  }

  @Override
  public Future<Change> update(
      String collection, String key, JsonObject patch, Precondition precondition, long epoch) {
    return StoreRules.attempt(() -> {
      StoreRules.requireValidChange(collection, key, "patch", patch, precondition);
      LogRules.requireValidEpoch(epoch);
      // The merge runs once the row is locked, after this call returned and the caller may have
      // reused its object.
      PrimaryWrite update = PrimaryWrite.update(collection, key, precondition, patch.copy());
      return writeExisting(collection, key, epoch, update, SLOT_ATTEMPTS);
    });
  }

  @Override
  public Future<Change> delete(String collection, String key, Precondition precondition, long epoch) {
    return StoreRules.attempt(() -> {
      StoreRules.requireValidDelete(collection, key, precondition);
      LogRules.requireValidEpoch(epoch);
      return writeExisting(collection, key, epoch, PrimaryWrite.delete(collection, key, precondition), SLOT_ATTEMPTS);
    });
  }

  @Override
  public Future<SlotPosition> position(int slot) {
    return StoreRules.attempt(() -> {
      StoreRules.requireValidSlot(slot);
      return pool().preparedQuery(SELECT_SLOT).execute(Tuple.of(slot))
          .map(rows -> SlotState.of(singleRow(rows)).position());
    });
  }

  @Override
  public Future<Map<Integer, SlotPosition>> positions() {
    return StoreRules.attempt(() -> pool().query(POSITIONS).execute().map(rows -> {
      Map<Integer, SlotPosition> positions = new TreeMap<>();
      for (Row row : rows) {
        positions.put(row.getInteger("slot"), position(row));
      }
      return positions;
    }));
  }

  @Override
  public Future<Void> apply(OplogEntry entry) {
    return StoreRules.attempt(() -> {
      LogRules.requireValid(entry);
      return inSlotTransaction(entry.slot(), (connection, state) -> {
        if (!LogRules.mustApply(entry, state.position())) {
          return Future.succeededFuture();
        }
        return lockRow(connection, entry.collection(), entry.key()).compose(stored -> {
          Future<?> written = entry.version() > (stored == null ? 0 : stored.version())
              ? connection.preparedQuery(UPSERT_ROW).execute(rowTuple(entry.collection(), entry.key(), RecordRow.of(entry)))
              : Future.succeededFuture();
          return written.compose(ignored -> append(connection, entry));
        });
      });
    });
  }

  @Override
  public Future<LogSlice> readLog(int slot, SlotPosition after, int limit) {
    return StoreRules.attempt(() -> {
      StoreRules.requireValidSlot(slot);
      LogRules.requireValidPosition("after", after);
      LogRules.requireValidLimit(limit);
      return inTransaction(READING, connection -> readSlot(connection, slot).compose(state -> {
        if (LogRules.isTrimmed(after, state.trimmedUpTo())) {
          return Future.succeededFuture(LogRules.trimmed(state.position()));
        }
        return connection.preparedQuery(FLOOR).execute(positionTuple(slot, after)).compose(floor -> {
          SlotPosition common = LogRules.common(floor.size() == 0 ? null : position(singleRow(floor)), state.trimmedUpTo());
          return connection.preparedQuery(ENTRIES_AFTER_LIMITED).execute(positionTuple(slot, common).addInteger(limit))
              .map(rows -> new LogSlice(false, common, entries(rows), state.position()));
        });
      }));
    });
  }

  @Override
  public Future<List<OplogEntry>> entriesAfter(int slot, SlotPosition after) {
    return StoreRules.attempt(() -> {
      StoreRules.requireValidSlot(slot);
      LogRules.requireValidPosition("after", after);
      return pool().preparedQuery(ENTRIES_AFTER).execute(positionTuple(slot, after)).map(MySqlRecordStore::entries);
    });
  }

  @Override
  public Future<RecordState> state(String collection, String key, int slot) {
    return StoreRules.attempt(() -> {
      RecordStore.requireValidId(collection, key);
      StoreRules.requireValidSlot(slot);
      return pool().preparedQuery(SELECT_ROW).execute(Tuple.of(collection, key)).map(rows -> {
        RecordRow row = recordRow(singleRow(rows));
        return row == null ? RecordState.absent(collection, key, slot) : row.toState(collection, key);
      });
    });
  }

  @Override
  public Future<Void> repair(int slot, SlotPosition common, List<RecordState> states) {
    return StoreRules.attempt(() -> {
      StoreRules.requireValidSlot(slot);
      LogRules.requireValidPosition("common", common);
      StoreRules.requirePresent("states", states);
      states.forEach(state -> LogRules.requireValid(slot, state));
      // The last state given for a key wins, as if they were stored one after another.
      Map<List<String>, RecordState> byKey = new LinkedHashMap<>();
      states.forEach(state -> byKey.put(List.of(state.collection(), state.key()), state));
      List<Tuple> upserts = new ArrayList<>();
      List<Tuple> deletes = new ArrayList<>();
      for (RecordState state : byKey.values()) {
        RecordRow row = RecordRow.of(state);
        if (row == null) {
          deletes.add(Tuple.of(state.collection(), state.key()));
        } else {
          upserts.add(rowTuple(state.collection(), state.key(), row));
        }
      }
      return inSlotTransaction(slot, (connection, state) -> inBatches(connection, DELETE_ROW, deletes)
          .compose(deleted -> inBatches(connection, UPSERT_ROW, upserts))
          .compose(stored -> connection.preparedQuery(DELETE_ENTRIES_AFTER).execute(positionTuple(slot, common)))
          .compose(rolledBack -> {
            // No entry after common is left; entries up to the old boundary are still gone.
            SlotPosition trimmed = state.trimmedUpTo().isAfter(common) ? common : state.trimmedUpTo();
            return setSlot(connection, slot, common, trimmed);
          }));
    });
  }

  @Override
  public Future<SlotSnapshot> snapshot(int slot) {
    return StoreRules.attempt(() -> {
      StoreRules.requireValidSlot(slot);
      return inTransaction(READING, connection -> readSlot(connection, slot)
          .compose(state -> connection.preparedQuery(SLOT_ROWS).execute(Tuple.of(slot))
              .map(rows -> {
                List<RecordState> states = new ArrayList<>(rows.size());
                for (Row row : rows) {
                  states.add(recordRow(row).toState(row.getString("collection"), row.getString("record_key")));
                }
                return new SlotSnapshot(slot, state.position(), states);
              })));
    });
  }

  @Override
  public Future<Void> install(SlotSnapshot snapshot) {
    return StoreRules.attempt(() -> {
      LogRules.requireValid(snapshot);
      int slot = snapshot.slot();
      List<Tuple> rows = snapshot.records().stream()
          .filter(RecordState::exists)
          .map(state -> rowTuple(state.collection(), state.key(), RecordRow.of(state)))
          .toList();
      return inSlotTransaction(slot, (connection, state) -> connection.preparedQuery(DELETE_SLOT_ROWS)
          .execute(Tuple.of(slot))
          .compose(deleted -> connection.preparedQuery(DELETE_SLOT_ENTRIES).execute(Tuple.of(slot)))
          .compose(emptied -> inBatches(connection, UPSERT_ROW, rows))
          .compose(stored -> setSlot(connection, slot, snapshot.position(), snapshot.position())));
    });
  }

  @Override
  public Future<Map<Integer, SlotChecksum>> checksums() {
    return StoreRules.attempt(() -> inTransaction(READING, connection -> checksumPages(connection, new Checksums(), "", "")));
  }

  /** Examines only the slots written since the last pass, unless {@link TrimBacklog} says every slot. */
  @Override
  public Future<TrimPass> trim(int keepPerSlot) {
    return StoreRules.attempt(() -> {
      if (keepPerSlot < 0) {
        throw new IllegalArgumentException("keepPerSlot must not be negative, was " + keepPerSlot);
      }
      boolean everySlot = trimBacklog.needsEverySlot(keepPerSlot);
      // Taken before SLOTS is read: a slot marked by then has its slot_state row, so the full list holds it.
      List<Integer> marked = trimBacklog.take();
      Future<List<Integer>> slots = everySlot ? pool().query(SLOTS).execute().map(rows -> {
        List<Integer> all = new ArrayList<>();
        rows.forEach(row -> all.add(row.getInteger("slot")));
        return all;
      }) : Future.succeededFuture(marked);
      return slots
          .onFailure(failure -> trimBacklog.giveBack(marked))
          .compose(examined -> trimSlots(examined, 0, keepPerSlot, 0)
              .map(removed -> new TrimPass(examined.size(), removed)));
    });
  }

  @Override
  public Future<Void> close() {
    Pool open = pool;
    return open == null ? Future.succeededFuture() : open.close();
  }

  /** Number of live records in all collections (tests and admin; tombstones are not counted). */
  public Future<Long> count() {
    return StoreRules.attempt(() -> pool().query(COUNT).execute().map(rows -> singleRow(rows).getLong(0)));
  }

  /** The keys of one collection's live records in code point order (tests and admin; reads the whole list). */
  public Future<List<String>> keys(String collection) {
    return StoreRules.attempt(() -> {
      StoreRules.requirePresent("collection", collection);
      return pool().preparedQuery(KEYS)
          .execute(Tuple.of(collection))
          .map(rows -> rows.stream().map(row -> row.getString(0)).toList());
    });
  }

  /** Replace, update or delete: the slot is the stored row's, read first so its lock can be taken first. */
  private Future<Change> writeExisting(String collection, String key, long epoch, PrimaryWrite write, int attempts) {
    return pool().preparedQuery(SLOT_OF_ROW).execute(Tuple.of(collection, key))
        .compose(rows -> {
          Row row = singleRow(rows);
          return row == null ? Future.<Change>failedFuture(new StoreException.NotFound(collection, key))
              : primaryWrite(collection, key, row.getInteger("slot"), true, epoch, write);
        })
        .recover(failure -> failure instanceof SlotMoved && attempts > 1
            ? writeExisting(collection, key, epoch, write, attempts - 1)
            : Future.failedFuture(failure));
  }

  /** One transaction: lock the slot, take the next position, lock the row, decide, write row and entry. */
  private Future<Change> primaryWrite(
      String collection, String key, int slot, boolean slotFromRow, long epoch, PrimaryWrite write) {
    return inSlotTransaction(slot, (connection, state) -> {
      SlotPosition position = LogRules.next(slot, state.position(), epoch);
      return lockRow(connection, collection, key).compose(current -> {
        if (slotFromRow && current != null && current.slot() != slot) {
          throw new SlotMoved(collection, key);
        }
        RecordRow next = write.next(current);
        Change change = PrimaryWrite.change(collection, key, current, next, state.position(), position);
        Future<RowSet<Row>> written = current == null
            ? connection.preparedQuery(INSERT_ROW).execute(rowTuple(collection, key, next))
            : connection.preparedQuery(UPDATE_ROW).execute(Tuple.of(next.slot(), next.version(), next.deleted() ? 1 : 0)
                .addString(next.document()).addString(collection).addString(key));
        return written.compose(ignored -> append(connection, change.entry())).map(change);
      });
    });
  }

  /** Appends an entry to the slot's oplog and moves the slot's position to it. */
  private static Future<Void> append(SqlConnection connection, OplogEntry entry) {
    SlotPosition at = entry.position();
    Tuple values = Tuple.of(entry.slot(), at.epoch(), at.seq(), entry.previous().epoch(), entry.previous().seq())
        .addString(entry.collection()).addString(entry.key()).addLong(entry.version())
        .addInteger(entry.deleted() ? 1 : 0).addString(entry.deleted() ? null : entry.document().toString());
    return connection.preparedQuery(INSERT_ENTRY).execute(values)
        .compose(inserted -> connection.preparedQuery(MOVE_SLOT).execute(Tuple.of(at.epoch(), at.seq(), entry.slot())))
        .mapEmpty();
  }

  /**
   * A slot transaction that may append to the slot's oplog, so the next trim pass examines the slot.
   * Marked once the transaction has ended, not before: a pass that took an earlier mark could examine
   * the slot before the entries are committed, and leave them beyond the bound until the slot's next write.
   */
  private <T> Future<T> inSlotTransaction(int slot, BiFunction<SqlConnection, SlotState, Future<T>> work) {
    return inLockedSlot(slot, work).andThen(ended -> trimBacklog.mark(slot));
  }

  /**
   * A READ COMMITTED transaction holding the slot's slot_state row. The row is inserted beforehand in
   * its own statement: INSERT IGNORE of an existing row takes a shared lock, and two transactions
   * upgrading their shared locks to the exclusive one of FOR UPDATE would deadlock.
   */
  private <T> Future<T> inLockedSlot(int slot, BiFunction<SqlConnection, SlotState, Future<T>> work) {
    return ensureSlot(slot).compose(ready -> inTransaction(WRITING, connection -> connection.preparedQuery(LOCK_SLOT)
        .execute(Tuple.of(slot))
        .compose(rows -> {
          Row row = singleRow(rows);
          if (row == null) {
            knownSlots.remove(slot);
            return Future.failedFuture(new IllegalStateException("slot_state row of slot " + slot + " vanished"));
          }
          return work.apply(connection, SlotState.of(row));
        })));
  }

  private Future<Void> ensureSlot(int slot) {
    if (knownSlots.contains(slot)) {
      return Future.succeededFuture();
    }
    return pool().preparedQuery(ENSURE_SLOT).execute(Tuple.of(slot)).map(inserted -> {
      knownSlots.add(slot);
      return null;
    });
  }

  /** Runs work in a transaction of the given isolation; commits on success, else rolls back. */
  private <T> Future<T> inTransaction(String isolation, Function<SqlConnection, Future<T>> work) {
    return pool().withConnection(connection -> connection.query(isolation).execute()
        .compose(set -> connection.begin())
        .compose(transaction -> StoreRules.attempt(() -> work.apply(connection)).transform(outcome -> outcome.succeeded()
            ? transaction.commit().map(outcome.result())
            : transaction.rollback().transform(rolledBack -> Future.<T>failedFuture(outcome.cause())))));
  }

  private static Future<SlotState> readSlot(SqlConnection connection, int slot) {
    return connection.preparedQuery(SELECT_SLOT).execute(Tuple.of(slot)).map(rows -> SlotState.of(singleRow(rows)));
  }

  private static Future<RecordRow> lockRow(SqlConnection connection, String collection, String key) {
    return connection.preparedQuery(LOCK_ROW).execute(Tuple.of(collection, key)).map(rows -> recordRow(singleRow(rows)));
  }

  private static Future<Void> setSlot(SqlConnection connection, int slot, SlotPosition position, SlotPosition trimmed) {
    return connection.preparedQuery(SET_SLOT)
        .execute(Tuple.of(position.epoch(), position.seq(), trimmed.epoch(), trimmed.seq(), slot))
        .mapEmpty();
  }

  private static Future<Void> inBatches(SqlClient client, String sql, List<Tuple> values) {
    if (values.isEmpty()) {
      return Future.succeededFuture();
    }
    int end = Math.min(values.size(), WRITE_BATCH);
    return client.preparedQuery(sql).executeBatch(values.subList(0, end))
        .compose(done -> inBatches(client, sql, values.subList(end, values.size())));
  }

  private static Future<Map<Integer, SlotChecksum>> checksumPages(
      SqlConnection connection, Checksums checksums, String afterCollection, String afterKey) {
    return connection.preparedQuery(LIVE_PAGE)
        .execute(Tuple.of(afterCollection, afterCollection, afterKey, CHECKSUM_PAGE))
        .compose(rows -> {
          String lastCollection = null;
          String lastKey = null;
          for (Row row : rows) {
            lastCollection = row.getString("collection");
            lastKey = row.getString("record_key");
            checksums.add(row.getInteger("slot"), lastCollection, lastKey, row.getLong("version"), row.getString("doc"));
          }
          return rows.size() < CHECKSUM_PAGE ? Future.succeededFuture(checksums.result())
              : checksumPages(connection, checksums, lastCollection, lastKey);
        });
  }

  /** Trims the slots from index on, one after another; if one fails, it and the rest stay marked for the next pass. */
  private Future<Long> trimSlots(List<Integer> slots, int index, int keep, long removed) {
    if (index == slots.size()) {
      trimBacklog.finish(keep, List.of());
      return Future.succeededFuture(removed);
    }
    return trimSlot(slots.get(index), keep, 0)
        .onFailure(failure -> trimBacklog.finish(keep, slots.subList(index, slots.size())))
        .compose(n -> trimSlots(slots, index + 1, keep, removed + n));
  }

  private Future<Long> trimSlot(int slot, int keep, long removed) {
    return trimStep(slot, keep).compose(step -> step.done()
        ? Future.succeededFuture(removed + step.removed())
        : trimSlot(slot, keep, removed + step.removed()));
  }

  /**
   * Removes up to trimBatch of the slot's oldest entries that lie beyond the newest {@code keep}, and
   * moves the trim boundary to the last one removed in the same transaction, so a reader never sees
   * entries missing without the boundary saying so.
   */
  private Future<TrimStep> trimStep(int slot, int keep) {
    return inLockedSlot(slot, (connection, state) -> positionAt(connection, NEWEST_BEYOND, slot, keep)
        .compose(last -> {
          if (last == null) {
            return Future.succeededFuture(new TrimStep(0, true));
          }
          return positionAt(connection, OLDEST_AT, slot, trimBatch - 1).compose(batchEnd -> {
            SlotPosition upTo = batchEnd == null || batchEnd.isAfter(last) ? last : batchEnd;
            return connection.preparedQuery(DELETE_ENTRIES_UP_TO).execute(positionTuple(slot, upTo))
                .compose(deleted -> connection.preparedQuery(SET_TRIMMED)
                    .execute(Tuple.of(upTo.epoch(), upTo.seq(), slot))
                    .map(set -> new TrimStep(deleted.rowCount(), upTo.equals(last))));
          });
        }));
  }

  private static Future<SlotPosition> positionAt(SqlConnection connection, String sql, int slot, int offset) {
    return connection.preparedQuery(sql).execute(Tuple.of(slot, offset)).map(rows -> {
      Row row = singleRow(rows);
      return row == null ? null : position(row);
    });
  }

  private static RecordRow recordRow(Row row) {
    return row == null ? null
        : new RecordRow(row.getInteger("slot"), row.getLong("version"), row.getInteger("deleted") != 0, row.getString("doc"));
  }

  private static Tuple rowTuple(String collection, String key, RecordRow row) {
    return Tuple.of(collection, key, row.slot(), row.version(), row.deleted() ? 1 : 0).addString(row.document());
  }

  private static List<OplogEntry> entries(RowSet<Row> rows) {
    List<OplogEntry> entries = new ArrayList<>(rows.size());
    for (Row row : rows) {
      String doc = row.getString("doc");
      entries.add(new OplogEntry(row.getInteger("slot"), position(row),
          new SlotPosition(row.getLong("prev_epoch"), row.getLong("prev_seq")), row.getString("collection"),
          row.getString("record_key"), row.getLong("version"), row.getInteger("deleted") != 0,
          doc == null ? null : Buffer.buffer(doc)));
    }
    return entries;
  }

  private static SlotPosition position(Row row) {
    return new SlotPosition(row.getLong("epoch"), row.getLong("seq"));
  }

  /** (slot, epoch, epoch, seq): the parameters of AFTER and UP_TO. */
  private static Tuple positionTuple(int slot, SlotPosition position) {
    return Tuple.of(slot, position.epoch(), position.epoch(), position.seq());
  }

  private Pool pool() {
    Pool open = pool;
    if (open == null) {
      throw new IllegalStateException("store not started");
    }
    return open;
  }

  private MySQLConnectOptions connectOptions() {
    return config.tls().applyTo(new MySQLConnectOptions())
        .setHost(config.host())
        .setPort(config.port())
        .setUser(config.user())
        .setPassword(config.password())
        .setDatabase(config.database())
        .setCharset("utf8mb4")
        .setCachePreparedStatements(true);
  }

  private PoolOptions poolOptions() {
    return new PoolOptions()
        .setName("shardgate-records-" + config.database() + "-" + POOL_SEQUENCE.incrementAndGet())
        .setMaxSize(config.poolSize())
        .setMaxWaitQueueSize(config.maxWaitQueue());
  }

  private static Row singleRow(RowSet<Row> rows) {
    return rows.size() == 0 ? null : rows.iterator().next();
  }

  private static boolean isDuplicateKey(Throwable failure) {
    return failure instanceof DatabaseException db && db.getErrorCode() == ER_DUP_ENTRY;
  }
}
