package io.shardgate.shardnode.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import java.util.HashMap;
import java.util.Map;

/**
 * The shard node's three tables, created when absent, and the migration of a {@code records} table
 * from the first schema (no tombstones: no {@code deleted} column, {@code doc} NOT NULL).
 *
 * <p>Keys use a binary, no-pad collation: "A" and "a" are different keys and so are "a" and "a "
 * (utf8mb4_bin pads, so it would treat trailing spaces as equal). Binary order is code point order.
 */
final class MySqlSchema {

  private static final String RECORDS = """
      CREATE TABLE IF NOT EXISTS records (
        collection VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin NOT NULL,
        record_key VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin NOT NULL,
        slot INT NOT NULL,
        version BIGINT NOT NULL,
        deleted TINYINT NOT NULL DEFAULT 0,
        doc LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
        updated_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        PRIMARY KEY (collection, record_key),
        KEY records_slot (slot)
      ) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_nopad_bin""";

  private static final String OPLOG = """
      CREATE TABLE IF NOT EXISTS oplog (
        slot INT NOT NULL,
        epoch BIGINT NOT NULL,
        seq BIGINT NOT NULL,
        prev_epoch BIGINT NOT NULL,
        prev_seq BIGINT NOT NULL,
        collection VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin NOT NULL,
        record_key VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin NOT NULL,
        version BIGINT NOT NULL,
        deleted TINYINT NOT NULL,
        doc LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
        created_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        PRIMARY KEY (slot, epoch, seq)
      ) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_nopad_bin""";

  private static final String SLOT_STATE = """
      CREATE TABLE IF NOT EXISTS slot_state (
        slot INT NOT NULL,
        epoch BIGINT NOT NULL DEFAULT 0,
        seq BIGINT NOT NULL DEFAULT 0,
        trimmed_epoch BIGINT NOT NULL DEFAULT 0,
        trimmed_seq BIGINT NOT NULL DEFAULT 0,
        PRIMARY KEY (slot)
      ) ENGINE = InnoDB""";

  private static final String RECORDS_COLUMNS = "SELECT COLUMN_NAME, IS_NULLABLE FROM information_schema.COLUMNS"
      + " WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'records' AND COLUMN_NAME IN ('deleted', 'doc')";

  private static final String ADD_TOMBSTONES = "ALTER TABLE records"
      + " ADD COLUMN IF NOT EXISTS deleted TINYINT NOT NULL DEFAULT 0 AFTER version,"
      + " MODIFY doc LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL";

  private MySqlSchema() {}

  /** Idempotent; the ALTER only runs on a table of the first schema, so a normal start rebuilds nothing. */
  static Future<Void> prepare(SqlClient client) {
    return client.query(RECORDS).execute()
        .compose(created -> client.query(OPLOG).execute())
        .compose(created -> client.query(SLOT_STATE).execute())
        .compose(created -> client.query(RECORDS_COLUMNS).execute())
        .compose(columns -> {
          Map<String, String> nullable = new HashMap<>();
          for (Row column : columns) {
            nullable.put(column.getString(0).toLowerCase(), column.getString(1));
          }
          boolean current = nullable.containsKey("deleted") && "YES".equals(nullable.get("doc"));
          return current ? Future.succeededFuture() : client.query(ADD_TOMBSTONES).execute().mapEmpty();
        });
  }
}
