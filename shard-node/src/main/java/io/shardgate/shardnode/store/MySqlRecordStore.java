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
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * Records in one MySQL/MariaDB table, through the Vert.x reactive client. Every statement is
 * parameterised; the only SQL built from configuration is the database name in CREATE DATABASE,
 * which {@link MySqlStoreConfig} restricts to {@code [A-Za-z0-9_]}.
 *
 * <p>Writes to an existing record lock its row ({@code SELECT ... FOR UPDATE}) in a transaction,
 * check the precondition against the locked version and write version + 1, so concurrent writes to
 * one key serialise and each gets its own version.
 */
public final class MySqlRecordStore implements RecordStore {

  private static final int ER_DUP_ENTRY = 1062;
  private static final AtomicInteger POOL_SEQUENCE = new AtomicInteger();

  // Keys use a binary, no-pad collation: "A" and "a" are different keys and so are "a" and "a "
  // (utf8mb4_bin pads, so it would treat trailing spaces as equal). Binary order is code point order.
  private static final String CREATE_TABLE = """
      CREATE TABLE IF NOT EXISTS records (
        collection VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin NOT NULL,
        record_key VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin NOT NULL,
        slot INT NOT NULL,
        version BIGINT NOT NULL,
        doc LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
        updated_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        PRIMARY KEY (collection, record_key),
        KEY records_slot (slot)
      ) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_nopad_bin""";

  private static final String SELECT = "SELECT slot, version, doc FROM records WHERE collection = ? AND record_key = ?";
  private static final String SELECT_FOR_UPDATE = SELECT + " FOR UPDATE";
  private static final String INSERT = "INSERT INTO records (collection, record_key, slot, version, doc, updated_at)"
      + " VALUES (?, ?, ?, 1, ?, CURRENT_TIMESTAMP(3))";
  private static final String UPDATE = "UPDATE records SET version = ?, doc = ?, updated_at = CURRENT_TIMESTAMP(3)"
      + " WHERE collection = ? AND record_key = ?";
  private static final String DELETE = "DELETE FROM records WHERE collection = ? AND record_key = ?";
  private static final String COUNT = "SELECT COUNT(*) FROM records";
  private static final String KEYS = "SELECT record_key FROM records WHERE collection = ? ORDER BY record_key";

  /** A row as read; MariaDB hands LONGTEXT back as a String, forwarded as its UTF-8 bytes. */
  private record Stored(int slot, long version, String document) {
    static Stored of(Row row) {
      return row == null ? null : new Stored(row.getInteger("slot"), row.getLong("version"), row.getString("doc"));
    }

    StoredRecord toRecord(String collection, String key) {
      return new StoredRecord(collection, key, slot, version, Buffer.buffer(document));
    }
  }

  private final Vertx vertx;
  private final MySqlStoreConfig config;
  private volatile Pool pool;

  public MySqlRecordStore(Vertx vertx, MySqlStoreConfig config) {
    if (vertx == null || config == null) {
      throw new IllegalArgumentException("vertx and config must not be null");
    }
    this.vertx = vertx;
    this.config = config;
  }

  /** Creates the database and the table if absent, then opens the pool. */
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
          return opened.query(CREATE_TABLE).execute();
        })
        .mapEmpty();
  }

  @Override
  public Future<StoredRecord> get(String collection, String key) {
    return StoreRules.attempt(() -> {
      RecordStore.requireValidId(collection, key);
      return pool().preparedQuery(SELECT)
          .execute(Tuple.of(collection, key))
          .map(rows -> {
            Stored stored = Stored.of(singleRow(rows));
            return stored == null ? null : stored.toRecord(collection, key);
          });
    });
  }

  @Override
  public Future<StoredRecord> create(String collection, String key, int slot, JsonObject document) {
    return StoreRules.attempt(() -> {
      StoreRules.requireValidCreate(collection, key, slot, document);
      String encoded = document.encode();
      return pool().preparedQuery(INSERT)
          .execute(Tuple.of(collection, key, slot, encoded))
          .<StoredRecord>map(inserted -> new StoredRecord(collection, key, slot, 1, Buffer.buffer(encoded)))
          .recover(failure -> Future.failedFuture(isDuplicateKey(failure)
              ? new StoreException.AlreadyExists(collection, key)
              : failure));
    });
  }

  @Override
  public Future<StoredRecord> replace(
      String collection, String key, JsonObject document, Precondition precondition) {
    return StoreRules.attempt(() -> {
      StoreRules.requireValidChange(collection, key, "document", document, precondition);
      String replacement = document.encode();
      return change(collection, key, precondition, stored -> replacement);
    });
  }

  @Override
  public Future<StoredRecord> update(
      String collection, String key, JsonObject patch, Precondition precondition) {
    return StoreRules.attempt(() -> {
      StoreRules.requireValidChange(collection, key, "patch", patch, precondition);
      // The merge runs once the row is locked, after this call returned and the caller may have
      // reused its object.
      JsonObject snapshot = patch.copy();
      return change(collection, key, precondition, stored -> StoreRules.merge(stored, snapshot));
    });
  }

  @Override
  public Future<StoredRecord> delete(String collection, String key, Precondition precondition) {
    return StoreRules.attempt(() -> {
      StoreRules.requireValidDelete(collection, key, precondition);
      return pool().withTransaction(connection -> lockForWrite(connection, collection, key, precondition)
          .compose(current -> connection.preparedQuery(DELETE)
              .execute(Tuple.of(collection, key))
              .map(deleted -> current.toRecord(collection, key))));
    });
  }

  @Override
  public Future<Void> close() {
    Pool open = pool;
    return open == null ? Future.succeededFuture() : open.close();
  }

  /** Number of records in all collections (tests and admin). */
  public Future<Long> count() {
    return StoreRules.attempt(() -> pool().query(COUNT).execute().map(rows -> singleRow(rows).getLong(0)));
  }

  /** The keys of one collection in code point order (tests and admin; reads the whole list). */
  public Future<List<String>> keys(String collection) {
    return StoreRules.attempt(() -> {
      StoreRules.requirePresent("collection", collection);
      return pool().preparedQuery(KEYS)
          .execute(Tuple.of(collection))
          .map(rows -> rows.stream().map(row -> row.getString(0)).toList());
    });
  }

  /** One transaction: lock the row, check, write version + 1. */
  private Future<StoredRecord> change(
      String collection, String key, Precondition precondition, UnaryOperator<String> newDocument) {
    return pool().withTransaction(connection -> lockForWrite(connection, collection, key, precondition)
        .compose(current -> {
          long version = current.version() + 1;
          Stored changed = new Stored(current.slot(), version, newDocument.apply(current.document()));
          return connection.preparedQuery(UPDATE)
              .execute(Tuple.of(version, changed.document(), collection, key))
              .map(updated -> changed.toRecord(collection, key));
        }));
  }

  /** Locks the record's row until the transaction ends; fails when it is absent or the precondition fails. */
  private static Future<Stored> lockForWrite(
      SqlConnection connection, String collection, String key, Precondition precondition) {
    return connection.preparedQuery(SELECT_FOR_UPDATE)
        .execute(Tuple.of(collection, key))
        .compose(rows -> {
          Stored current = Stored.of(singleRow(rows));
          if (current == null) {
            return Future.failedFuture(new StoreException.NotFound(collection, key));
          }
          StoreException violation = StoreRules.violation(collection, key, precondition, current.version());
          return violation == null ? Future.succeededFuture(current) : Future.failedFuture(violation);
        });
  }

  private Pool pool() {
    Pool open = pool;
    if (open == null) {
      throw new IllegalStateException("store not started");
    }
    return open;
  }

  private MySQLConnectOptions connectOptions() {
    return new MySQLConnectOptions()
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
