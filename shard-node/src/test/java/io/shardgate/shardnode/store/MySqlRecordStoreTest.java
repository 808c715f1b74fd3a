package io.shardgate.shardnode.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.core.json.JsonObject;
import io.vertx.mysqlclient.MySQLConnectOptions;
import io.vertx.mysqlclient.MySQLConnection;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The contract against the real MariaDB on 127.0.0.1:3306 (see scripts/db-setup.sh), as the
 * application user, in databases of its own that are dropped afterwards: one shared by the tests,
 * and one per empty store a test asks for.
 */
class MySqlRecordStoreTest extends ReplicationContract {

  private static final String USER = envOr("SHARDGATE_MYSQL_USER", "shardgate");
  private static final String PASSWORD = envOr("SHARDGATE_MYSQL_PASSWORD", "shardgate");
  private static final String DATABASE = "shardgate_test_" + randomSuffix();
  /** Small, so the trim tests remove entries over several transactions. */
  private static final int TRIM_BATCH = 3;
  private static final AtomicInteger EMPTY_DATABASES = new AtomicInteger();

  @Override
  protected RecordStore newStore(Vertx vertx) {
    return new MySqlRecordStore(vertx, config(DATABASE), TRIM_BATCH);
  }

  @Override
  protected RecordStore newEmptyStore(Vertx vertx) {
    return new MySqlRecordStore(vertx, config(DATABASE + "_" + EMPTY_DATABASES.incrementAndGet()), TRIM_BATCH);
  }

  @Override
  protected Future<List<String>> keys(RecordStore store, String collection) {
    return ((MySqlRecordStore) store).keys(collection);
  }

  @Override
  protected Future<Long> count(RecordStore store) {
    return ((MySqlRecordStore) store).count();
  }

  @AfterAll
  static void dropDatabases() {
    Vertx vertx = Vertx.vertx();
    try {
      await(onServer(vertx, connection -> {
        Future<?> dropped = connection.query("DROP DATABASE IF EXISTS " + DATABASE).execute();
        for (int i = 1; i <= EMPTY_DATABASES.get(); i++) {
          String database = DATABASE + "_" + i;
          dropped = dropped.compose(done -> connection.query("DROP DATABASE IF EXISTS " + database).execute());
        }
        return dropped;
      }));
    } finally {
      await(vertx.close());
    }
  }

  @Test
  void recordsOplogAndPositionsOutliveTheStoreAndStartIsIdempotent() {
    await(store.create(collection, "durable", slot, new JsonObject().put("kept", true), 2));
    await(store.delete(collection, "durable", Precondition.NONE, 2));
    await(store.create(collection, "durable", slot, new JsonObject().put("kept", true), 3));

    MySqlRecordStore reopened = new MySqlRecordStore(vertx, config(DATABASE));
    try {
      await(reopened.start());
      StoredRecord read = await(reopened.get(collection, "durable"));
      assertThat(read.slot()).isEqualTo(slot);
      assertThat(read.version()).isEqualTo(3);
      assertThat(json(read)).isEqualTo(new JsonObject().put("kept", true));
      assertThat(await(reopened.position(slot))).isEqualTo(new SlotPosition(3, 1));
      assertThat(await(reopened.entriesAfter(slot, SlotPosition.ZERO))).hasSize(3);
      assertThat(await(reopened.create(collection, "next", slot, new JsonObject(), 3)).entry().position())
          .isEqualTo(new SlotPosition(3, 2));
    } finally {
      await(reopened.close());
    }
  }

  @Test
  void startMigratesARecordsTableOfTheFirstSchema() {
    String database = DATABASE + "_first_schema";
    String firstSchema = """
        CREATE TABLE %s.records (
          collection VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin NOT NULL,
          record_key VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin NOT NULL,
          slot INT NOT NULL,
          version BIGINT NOT NULL,
          doc LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
          updated_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
          PRIMARY KEY (collection, record_key),
          KEY records_slot (slot)
        ) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_nopad_bin""".formatted(database);
    await(onServer(vertx, connection -> connection.query("CREATE DATABASE " + database).execute()
        .compose(created -> connection.query(firstSchema).execute())
        .compose(created -> connection.preparedQuery("INSERT INTO " + database + ".records"
                + " (collection, record_key, slot, version, doc) VALUES (?, ?, ?, ?, ?)")
            .execute(Tuple.of("c", "old", 4, 7, "{\"old\":true}")))));
    MySqlRecordStore migrated = new MySqlRecordStore(vertx, config(database));
    try {
      await(migrated.start());

      StoredRecord old = await(migrated.get("c", "old"));
      assertThat(old.version()).isEqualTo(7);
      assertThat(old.slot()).isEqualTo(4);
      assertThat(json(old)).isEqualTo(new JsonObject().put("old", true));
      Change deleted = await(migrated.delete("c", "old", Precondition.version(7), 1));
      assertThat(deleted.record().version()).isEqualTo(8);
      assertThat(deleted.entry().position()).isEqualTo(new SlotPosition(1, 1));
      assertThat(await(migrated.state("c", "old", 4))).isEqualTo(new RecordState("c", "old", 4, 8, true, null));
      assertThat(await(migrated.create("c", "old", 4, new JsonObject(), 1)).record().version()).isEqualTo(9);
      assertThat(columns(database, "records")).containsEntry("deleted", "NO").containsEntry("doc", "YES");

      MySqlRecordStore again = new MySqlRecordStore(vertx, config(database));
      await(again.start());
      assertThat(await(again.get("c", "old")).version()).isEqualTo(9);
      await(again.close());
    } finally {
      await(migrated.close());
      await(onServer(vertx, connection -> connection.query("DROP DATABASE IF EXISTS " + database).execute()));
    }
  }

  @Test
  void theInMemoryStoreAgreesOnChecksumsAndReplicatesBothWays() {
    RecordStore mysql = emptyStore();
    InMemoryRecordStore memory = new InMemoryRecordStore();
    int other = newSlot();
    for (RecordStore each : List.of(mysql, memory)) {
      await(each.create(collection, "ключ😀", slot, new JsonObject().put("text", "héllo 中文 \u0000"), 1));
      await(each.create(collection, "a", slot, new JsonObject().put("n", 1), 1));
      await(each.update(collection, "a", new JsonObject().put("m", 2), Precondition.NONE, 2));
      await(each.create(collection, "b", other, new JsonObject(), 2));
      await(each.delete(collection, "b", Precondition.NONE, 2));
      await(each.create(collection, "b", other, new JsonObject().put("again", true), 2));
      await(each.create(collection, "gone", other, new JsonObject(), 2));
      await(each.delete(collection, "gone", Precondition.NONE, 2));
    }

    assertThat(await(memory.checksums())).isEqualTo(await(mysql.checksums())).hasSize(2);

    InMemoryRecordStore follower = new InMemoryRecordStore();
    RecordStore copy = emptyStore();
    for (int s : List.of(slot, other)) {
      replicate(mysql, follower, s);
      assertSameSlot(mysql, follower, s);
      await(copy.install(await(memory.snapshot(s))));
      assertSameSlot(memory, copy, s);
    }
  }

  @Test
  void startCreatesTheDatabaseAndTablesWithBinaryKeys() {
    String database = DATABASE + "_fresh";
    MySqlRecordStore fresh = new MySqlRecordStore(vertx, config(database));
    try {
      await(fresh.start());
      await(fresh.create("c", "k", 1, new JsonObject(), 1));
      assertThat(await(fresh.count())).isEqualTo(1);
      assertThat(columns(database, "records")).containsOnlyKeys(
          "collection", "record_key", "slot", "version", "deleted", "doc", "updated_at");
      assertThat(columns(database, "oplog")).containsOnlyKeys("slot", "epoch", "seq", "prev_epoch", "prev_seq",
          "collection", "record_key", "version", "deleted", "doc", "created_at");
      assertThat(columns(database, "slot_state")).containsOnlyKeys(
          "slot", "epoch", "seq", "trimmed_epoch", "trimmed_seq");

      Row column = await(onServer(vertx, connection -> connection
          .preparedQuery("SELECT COLLATION_NAME FROM information_schema.COLUMNS"
              + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = 'records' AND COLUMN_NAME = 'record_key'")
          .execute(Tuple.of(database))
          .map(rows -> rows.iterator().next())));
      assertThat(column.getString(0)).isEqualTo("utf8mb4_nopad_bin");
    } finally {
      await(fresh.close());
      await(onServer(vertx, connection -> connection.query("DROP DATABASE IF EXISTS " + database).execute()));
    }
  }

  @Test
  void startFailsWhenTheServerRejectsTheLogin() {
    MySqlStoreConfig wrongPassword = new MySqlStoreConfig(
        MySqlStoreConfig.DEFAULT_HOST, MySqlStoreConfig.DEFAULT_PORT, USER, PASSWORD + "-wrong", DATABASE, 1, 0);
    MySqlRecordStore rejected = new MySqlRecordStore(vertx, wrongPassword);

    Throwable failure = failureOf(rejected.start());

    assertThat(failure).isNotInstanceOf(StoreException.class).hasMessageContaining("Access denied");
    await(rejected.close());
  }

  @Test
  void callsBeforeStartFailInsteadOfThrowing() {
    MySqlRecordStore unstarted = new MySqlRecordStore(vertx, config(DATABASE));

    assertThat(failureOf(unstarted.get("c", "k"))).isInstanceOf(IllegalStateException.class);
    assertThat(failureOf(unstarted.create("c", "k", 1, new JsonObject(), 1))).isInstanceOf(IllegalStateException.class);
    assertThat(failureOf(unstarted.count())).isInstanceOf(IllegalStateException.class);
    assertThat(failureOf(unstarted.readLog(1, SlotPosition.ZERO, 10))).isInstanceOf(IllegalStateException.class);
    assertThat(failureOf(unstarted.apply(new OplogEntry(1, new SlotPosition(1, 1), SlotPosition.ZERO, "c", "k", 1, true,
        null)))).isInstanceOf(IllegalStateException.class);
    assertThat(failureOf(unstarted.checksums())).isInstanceOf(IllegalStateException.class);
    assertThat(failureOf(unstarted.trim(1))).isInstanceOf(IllegalStateException.class);
    await(unstarted.close());
  }

  @Test
  void aFullWaitQueueFailsFastInsteadOfQueueing() {
    MySqlStoreConfig tiny = new MySqlStoreConfig(
        MySqlStoreConfig.DEFAULT_HOST, MySqlStoreConfig.DEFAULT_PORT, USER, PASSWORD, DATABASE, 1, 0);
    MySqlRecordStore busy = new MySqlRecordStore(vertx, tiny);
    try {
      await(busy.start());
      List<Future<StoredRecord>> reads = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        reads.add(busy.get(collection, "k" + i));
      }

      List<Throwable> failures = reads.stream().map(RecordStoreContract::failureOrNull).filter(f -> f != null).toList();

      assertThat(failures).isNotEmpty().hasSizeLessThan(reads.size());
      assertThat(failures).allSatisfy(f -> assertThat(f).isInstanceOf(ConnectionPoolTooBusyException.class));
    } finally {
      await(busy.close());
    }
  }

  @Test
  void aTrimPassAfterTheFirstExaminesOnlyTheSlotsWrittenSince() {
    String database = DATABASE + "_trim_passes";
    int busy = slot;
    int written = newSlot();
    int idle = newSlot();
    MySqlRecordStore before = new MySqlRecordStore(vertx, config(database), TRIM_BATCH);
    MySqlRecordStore restarted = new MySqlRecordStore(vertx, config(database), TRIM_BATCH);
    try {
      await(before.start());
      for (int each : List.of(busy, written, idle)) {
        writeKeys(before, each, 1, 4);
      }
      await(before.close());
      await(restarted.start());

      assertThat(await(restarted.trim(2))).as("the first pass, over entries from before the restart")
          .isEqualTo(new TrimPass(3, 6));
      assertThat(await(restarted.trim(2))).as("a pass with nothing written").isEqualTo(new TrimPass(0, 0));

      appendEntries(restarted, busy, 5);
      appendEntries(restarted, written, 1);
      assertThat(await(restarted.trim(2))).as("a pass after writes to two slots").isEqualTo(new TrimPass(2, 6));
      assertThat(positionsOf(await(restarted.entriesAfter(busy, SlotPosition.ZERO)))).containsExactly(at(1, 8), at(1, 9));
      assertThat(await(restarted.entriesAfter(written, SlotPosition.ZERO))).hasSize(2);
      assertThat(await(restarted.entriesAfter(idle, SlotPosition.ZERO))).hasSize(2);
      assertThat(await(restarted.trim(2))).isEqualTo(new TrimPass(0, 0));
    } finally {
      await(restarted.close());
      await(onServer(vertx, connection -> connection.query("DROP DATABASE IF EXISTS " + database).execute()));
    }
  }

  @Test
  void aSecondStartFails() {
    assertThat(failureOf(store.start())).isInstanceOf(IllegalStateException.class);
  }

  /** Appends n entries to the slot's oplog by updating its first key. */
  private void appendEntries(RecordStore on, int slot, int n) {
    for (int i = 0; i < n; i++) {
      await(on.update(collection, "k0_" + slot, new JsonObject().put("update", i), Precondition.NONE, 1));
    }
  }

  /** Column name → IS_NULLABLE of one table. */
  private Map<String, String> columns(String database, String table) {
    return await(onServer(vertx, connection -> connection
        .preparedQuery("SELECT COLUMN_NAME, IS_NULLABLE FROM information_schema.COLUMNS"
            + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?")
        .execute(Tuple.of(database, table))
        .map(rows -> {
          Map<String, String> columns = new HashMap<>();
          rows.forEach(row -> columns.put(row.getString(0), row.getString(1)));
          return columns;
        })));
  }

  private static MySqlStoreConfig config(String database) {
    // A small pool and a wait queue larger than the concurrency tests' burst.
    return new MySqlStoreConfig(
        MySqlStoreConfig.DEFAULT_HOST, MySqlStoreConfig.DEFAULT_PORT, USER, PASSWORD, database, 4, 128);
  }

  /** Runs statements on a connection that names no database, as the application user. */
  private static <T> Future<T> onServer(Vertx vertx, Function<MySQLConnection, Future<T>> statements) {
    MySQLConnectOptions options = new MySQLConnectOptions()
        .setHost(MySqlStoreConfig.DEFAULT_HOST)
        .setPort(MySqlStoreConfig.DEFAULT_PORT)
        .setUser(USER)
        .setPassword(PASSWORD);
    return MySQLConnection.connect(vertx, options)
        .compose(connection -> statements.apply(connection).eventually(connection::close));
  }

  private static String envOr(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isEmpty() ? fallback : value;
  }

  private static String randomSuffix() {
    byte[] bytes = new byte[6];
    ThreadLocalRandom.current().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }
}
