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
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The contract against the real MariaDB on 127.0.0.1:3306 (see scripts/db-setup.sh), as the
 * application user, in a database of its own that is dropped afterwards.
 */
class MySqlRecordStoreTest extends RecordStoreContract {

  private static final String USER = envOr("SHARDGATE_MYSQL_USER", "shardgate");
  private static final String PASSWORD = envOr("SHARDGATE_MYSQL_PASSWORD", "shardgate");
  private static final String DATABASE = "shardgate_test_" + randomSuffix();

  @Override
  protected RecordStore newStore(Vertx vertx) {
    return new MySqlRecordStore(vertx, config(DATABASE));
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
  static void dropDatabase() {
    Vertx vertx = Vertx.vertx();
    try {
      await(onServer(vertx, connection -> connection.query("DROP DATABASE IF EXISTS " + DATABASE).execute()));
    } finally {
      await(vertx.close());
    }
  }

  @Test
  void recordsOutliveTheStoreAndStartIsIdempotent() {
    await(store.create(collection, "durable", 12, new JsonObject().put("kept", true)));

    MySqlRecordStore reopened = new MySqlRecordStore(vertx, config(DATABASE));
    try {
      await(reopened.start());
      StoredRecord read = await(reopened.get(collection, "durable"));
      assertThat(read.slot()).isEqualTo(12);
      assertThat(json(read)).isEqualTo(new JsonObject().put("kept", true));
    } finally {
      await(reopened.close());
    }
  }

  @Test
  void startCreatesTheDatabaseAndATableWithBinaryKeys() {
    String database = DATABASE + "_fresh";
    MySqlRecordStore fresh = new MySqlRecordStore(vertx, config(database));
    try {
      await(fresh.start());
      await(fresh.create("c", "k", 1, new JsonObject()));
      assertThat(await(fresh.count())).isEqualTo(1);

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
    assertThat(failureOf(unstarted.create("c", "k", 1, new JsonObject()))).isInstanceOf(IllegalStateException.class);
    assertThat(failureOf(unstarted.count())).isInstanceOf(IllegalStateException.class);
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
  void aSecondStartFails() {
    assertThat(failureOf(store.start())).isInstanceOf(IllegalStateException.class);
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
