package io.shardgate.dist;

import io.shardgate.cachenode.CacheNodeVerticle;
import io.shardgate.cluster.config.Settings;
import io.shardgate.cluster.ids.IdAllocator;
import io.shardgate.cluster.membership.RedisRegistryOptions;
import io.shardgate.cluster.membership.Registry;
import io.shardgate.cluster.runtime.ShardgateVertx;
import io.shardgate.cluster.security.MemberAuth;
import io.shardgate.cluster.security.RecordProof;
import io.shardgate.gateway.Gateway;
import io.shardgate.shardnode.ShardNodeVerticle;
import io.shardgate.shardnode.store.MySqlRecordStore;
import io.shardgate.shardnode.store.MySqlStoreConfig;
import io.shardgate.shardnode.store.MySqlTls;
import io.vertx.core.Future;
import io.vertx.mysqlclient.MySQLConnectOptions;
import io.vertx.redis.client.Redis;

/** Cluster-mode wiring of each role: Redis for membership and ids, MySQL/MariaDB for records. */
final class Roles {
  /** The certificate name of gateways ({@code {id}} in security.certFile). */
  static final String GATEWAY_ID = "gateway";

  private Roles() {}

  static Future<?> gateway(ShardgateVertx runtime, Settings.Shardgate config, MemberAuth auth) {
    RedisRegistryOptions options = redisOptions(config);
    Registry registry = Registry.redis(runtime.vertx(), options);
    Redis idRedis = Redis.createClient(runtime.vertx(), options.redisOptions());
    return Gateway.deploy(runtime, config, registry, IdAllocator.redis(idRedis, config.cluster().name()), auth);
  }

  static Future<?> shardNode(ShardgateVertx runtime, Settings.Shardgate config, String id, MemberAuth auth,
      RecordProof proofs) {
    warmUpMySqlClient();
    Settings.Node self = config.shardNode(id);
    Settings.MySql m = config.mysql();
    MySqlStoreConfig store = new MySqlStoreConfig(m.host(), m.port(), m.user(), m.password(), databaseName(m, id),
        m.poolSize(), m.maxWaitQueue(), MySqlTls.of(m.tls().mode(), m.tls().caFile()));
    RedisRegistryOptions options = redisOptions(config);
    Registry registry = Registry.redis(runtime.vertx(), options);
    IdAllocator epochs = IdAllocator.redis(Redis.createClient(runtime.vertx(), options.redisOptions()), config.cluster().name());
    return runtime.vertx().deployVerticle(new ShardNodeVerticle(config, self, registry, epochs,
        () -> new MySqlRecordStore(runtime.vertx(), store), runtime.registry(), auth, proofs));
  }

  static Future<?> cacheNode(ShardgateVertx runtime, Settings.Shardgate config, String id, MemberAuth auth,
      RecordProof proofs) {
    Settings.Node self = config.cacheNode(id);
    return runtime.vertx().deployVerticle(new CacheNodeVerticle(config, self, redisRegistry(runtime, config),
        runtime.registry(), auth, proofs));
  }

  /**
   * Runs the MySQL client's one-time static initialisation (collation tables, extended charsets) on the
   * main thread: done lazily on an event loop it takes hundreds of milliseconds on a cold JVM.
   */
  private static void warmUpMySqlClient() {
    new MySQLConnectOptions().setCharset("utf8mb4").setCollation("utf8mb4_bin");
    java.nio.charset.Charset.availableCharsets();
  }

  /** One database per shard node: the configured prefix plus the node id. */
  static String databaseName(Settings.MySql mysql, String nodeId) {
    return mysql.databasePrefix() + nodeId.replaceAll("[^A-Za-z0-9_]", "_");
  }

  private static Registry redisRegistry(ShardgateVertx runtime, Settings.Shardgate config) {
    return Registry.redis(runtime.vertx(), redisOptions(config));
  }

  private static RedisRegistryOptions redisOptions(Settings.Shardgate config) {
    Settings.Redis redis = config.redis();
    return RedisRegistryOptions.of(redis.url(), config.cluster().name())
        .withPool(redis.poolSize(), redis.maxWaiting())
        .withCredentials(redis.user(), redis.password())
        .withCaFile(redis.caFile());
  }
}
