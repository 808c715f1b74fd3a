package io.shardgate.shardnode.store;

import java.util.regex.Pattern;

/**
 * Where a shard node's MySQL/MariaDB store lives and how many connections it may use. Validated on
 * construction, so a bad value fails at start with a message naming the field.
 *
 * @param database created by {@link MySqlRecordStore#start()} if absent; letters, digits and
 *     underscores only, because it is written into DDL where parameters are not allowed
 * @param poolSize connections in the pool
 * @param maxWaitQueue requests that may wait for a connection; beyond that they fail at once
 *     (0 = never wait). Unbounded queues are not allowed.
 * @param tls whether and how connections are encrypted and the server's certificate checked
 */
public record MySqlStoreConfig(String host, int port, String user, String password, String database, int poolSize,
    int maxWaitQueue, MySqlTls tls) {

  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 3306;
  public static final int DEFAULT_POOL_SIZE = 8;
  public static final int DEFAULT_MAX_WAIT_QUEUE = 256;

  private static final Pattern DATABASE_NAME = Pattern.compile("[A-Za-z0-9_]{1,64}");

  public MySqlStoreConfig {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("mysql host must not be empty");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("mysql port must be in 1..65535, was " + port);
    }
    if (user == null || user.isBlank()) {
      throw new IllegalArgumentException("mysql user must not be empty");
    }
    if (password == null) {
      throw new IllegalArgumentException("mysql password must not be null (use \"\" for none)");
    }
    if (database == null || !DATABASE_NAME.matcher(database).matches()) {
      throw new IllegalArgumentException(
          "mysql database must match [A-Za-z0-9_]{1,64}, was " + (database == null ? "null" : "'" + database + "'"));
    }
    if (poolSize < 1) {
      throw new IllegalArgumentException("mysql poolSize must be at least 1, was " + poolSize);
    }
    if (maxWaitQueue < 0) {
      throw new IllegalArgumentException(
          "mysql maxWaitQueue must be 0 or more (the wait queue is bounded), was " + maxWaitQueue);
    }
    if (tls == null) {
      throw new IllegalArgumentException("mysql tls must not be null (use MySqlTls.DISABLED)");
    }
  }

  /** A store reached without TLS. */
  public MySqlStoreConfig(String host, int port, String user, String password, String database, int poolSize,
      int maxWaitQueue) {
    this(host, port, user, password, database, poolSize, maxWaitQueue, MySqlTls.DISABLED);
  }

  /** A store on 127.0.0.1:3306 with the default pool size and wait queue. */
  public static MySqlStoreConfig local(String user, String password, String database) {
    return new MySqlStoreConfig(
        DEFAULT_HOST, DEFAULT_PORT, user, password, database, DEFAULT_POOL_SIZE, DEFAULT_MAX_WAIT_QUEUE);
  }

  /** Keeps the password out of logs. */
  @Override
  public String toString() {
    return "MySqlStoreConfig[host=" + host + ", port=" + port + ", user=" + user + ", password=***"
        + ", database=" + database + ", poolSize=" + poolSize + ", maxWaitQueue=" + maxWaitQueue + ", tls=" + tls + "]";
  }
}
