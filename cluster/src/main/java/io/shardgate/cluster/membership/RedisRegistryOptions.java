package io.shardgate.cluster.membership;

import io.shardgate.cluster.config.Secrets;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.redis.client.RedisOptions;
import java.util.Objects;

/**
 * How the Redis registry connects: validated once, immutable.
 *
 * @param connectionString e.g. {@code redis://127.0.0.1:6379}
 * @param clusterName names the key prefix {@code shardgate:<clusterName>:}
 * @param poolSize connections for commands (the change subscription uses one more, of its own)
 * @param maxPoolWaiting commands allowed to wait for a pooled connection before failing fast
 * @param reconnectInitialMillis first delay before re-subscribing after the change channel was lost
 * @param reconnectMaxMillis cap of the doubling reconnect delay
 * @param user ACL user to log in as, or null for Redis's default user
 * @param password the user's password, or null to send no AUTH
 * @param caFile PEM CA bundle trusted for a {@code rediss://} URL, or null for the JVM's default trust store
 */
public record RedisRegistryOptions(String connectionString, String clusterName, int poolSize, int maxPoolWaiting,
    long reconnectInitialMillis, long reconnectMaxMillis, String user, String password, String caFile) {

  public static final int DEFAULT_POOL_SIZE = 8;
  public static final int DEFAULT_MAX_POOL_WAITING = 256;
  public static final long DEFAULT_RECONNECT_INITIAL_MILLIS = 100;
  public static final long DEFAULT_RECONNECT_MAX_MILLIS = 5_000;

  public RedisRegistryOptions {
    Objects.requireNonNull(connectionString, "connectionString");
    if (!connectionString.startsWith("redis://") && !connectionString.startsWith("rediss://")
        && !connectionString.startsWith("unix://")) {
      throw new IllegalArgumentException("redis url '" + connectionString
          + "' must start with redis://, rediss:// or unix://");
    }
    new RedisKeys(clusterName); // validates the name
    if (poolSize < 1) {
      throw new IllegalArgumentException("redis poolSize must be at least 1, got " + poolSize);
    }
    if (maxPoolWaiting < 0) {
      throw new IllegalArgumentException("redis maxWaiting must not be negative, got " + maxPoolWaiting);
    }
    Backoff.exponential(reconnectInitialMillis, reconnectMaxMillis); // validates the delays
    if (caFile != null && !connectionString.startsWith("rediss://")) {
      throw new IllegalArgumentException("a redis CA file is set but the url is not rediss://");
    }
  }

  /** The named defaults for everything but where Redis is and which cluster this is. */
  public static RedisRegistryOptions of(String connectionString, String clusterName) {
    return new RedisRegistryOptions(connectionString, clusterName, DEFAULT_POOL_SIZE, DEFAULT_MAX_POOL_WAITING,
        DEFAULT_RECONNECT_INITIAL_MILLIS, DEFAULT_RECONNECT_MAX_MILLIS, null, null, null);
  }

  public RedisRegistryOptions withPool(int poolSize, int maxPoolWaiting) {
    return new RedisRegistryOptions(connectionString, clusterName, poolSize, maxPoolWaiting, reconnectInitialMillis,
        reconnectMaxMillis, user, password, caFile);
  }

  public RedisRegistryOptions withReconnect(long initialMillis, long maxMillis) {
    return new RedisRegistryOptions(connectionString, clusterName, poolSize, maxPoolWaiting, initialMillis, maxMillis,
        user, password, caFile);
  }

  /** Logs in as this ACL user (null: the default user) with this password (null: no AUTH). */
  public RedisRegistryOptions withCredentials(String user, String password) {
    return new RedisRegistryOptions(connectionString, clusterName, poolSize, maxPoolWaiting, reconnectInitialMillis,
        reconnectMaxMillis, user, password, caFile);
  }

  /** Trusts the CAs of this PEM file for a {@code rediss://} URL (null: the JVM's default trust store). */
  public RedisRegistryOptions withCaFile(String caFile) {
    return new RedisRegistryOptions(connectionString, clusterName, poolSize, maxPoolWaiting, reconnectInitialMillis,
        reconnectMaxMillis, user, password, caFile);
  }

  public boolean tls() {
    return connectionString.startsWith("rediss://");
  }

  public RedisKeys keys() {
    return new RedisKeys(clusterName);
  }

  public Backoff backoff() {
    return Backoff.exponential(reconnectInitialMillis, reconnectMaxMillis);
  }

  /**
   * Fresh client options for the command pool; also what a caller uses to create a {@code Redis} client
   * for {@link io.shardgate.cluster.ids.IdAllocator#redis}.
   */
  public RedisOptions redisOptions() {
    RedisOptions options = new RedisOptions()
        .setConnectionString(connectionString)
        .setMaxPoolSize(poolSize)
        .setMaxPoolWaiting(maxPoolWaiting)
        .setUser(user)
        .setPassword(password);
    if (tls()) {
      // The client takes TLS from these options, not from the URL scheme; the server's certificate must
      // name the host of the URL.
      NetClientOptions net = options.getNetClientOptions().setSsl(true).setHostnameVerificationAlgorithm("HTTPS");
      if (caFile != null) {
        net.setTrustOptions(new PemTrustOptions().addCertPath(caFile));
      }
    }
    return options;
  }

  /** Keeps the password (here or in the URL) out of logs. */
  @Override
  public String toString() {
    return "RedisRegistryOptions[url=" + Secrets.redactUrl(connectionString) + ", cluster=" + clusterName
        + ", poolSize=" + poolSize + ", maxPoolWaiting=" + maxPoolWaiting + ", user=" + user + ", password="
        + (password == null ? "none" : "***") + ", caFile=" + caFile + "]";
  }
}
