package io.shardgate.cluster.membership;

import static io.shardgate.cluster.membership.RedisTestSupport.REDIS_URL;
import static io.shardgate.cluster.membership.RedisTestSupport.await;
import static io.shardgate.cluster.membership.RedisTestSupport.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The watcher, a lease keeper and the Redis registry wired the way a gateway and a node use them. */
class MembershipWatcherRedisTest {
  private static final long NO_PERIODIC_RESYNC = 600_000;

  private Vertx vertx;
  private String cluster;
  private Registry gatewayRegistry;
  private Registry nodeRegistry;

  @BeforeEach
  void setUp() {
    vertx = RedisTestSupport.vertx();
    cluster = RedisTestSupport.uniqueClusterName("watcher");
    gatewayRegistry = Registry.redis(vertx, RedisRegistryOptions.of(REDIS_URL, cluster));
    nodeRegistry = Registry.redis(vertx, RedisRegistryOptions.of(REDIS_URL, cluster));
  }

  @AfterEach
  void tearDown() {
    await(gatewayRegistry.close());
    await(nodeRegistry.close());
    Redis admin = Redis.createClient(vertx, REDIS_URL);
    RedisTestSupport.deleteClusterKeys(admin, cluster);
    await(admin.close());
    await(vertx.close());
  }

  @Test
  void seesANodeJoinAndTakeItsLeaseThroughAnnouncementsAlone() {
    List<MembershipView> views = new CopyOnWriteArrayList<>();
    MembershipWatcher watcher = new MembershipWatcher(vertx, gatewayRegistry, new SimpleMeterRegistry(),
        NO_PERIODIC_RESYNC, () -> System.nanoTime() / 1_000_000).addListener(views::add);
    await(watcher.start());
    assertThat(watcher.current()).isEqualTo(MembershipView.EMPTY);

    MemberInfo shard = new MemberInfo("shard-1", Role.SHARD, "127.0.0.1", 9101, 1.0);
    await(nodeRegistry.join(shard));
    LeaseKeeper lease = new LeaseKeeper(vertx, nodeRegistry, "shard-1", LeaseTiming.DEFAULT, new SimpleMeterRegistry());
    await(lease.start());

    awaitCondition("the gateway to see shard-1 live", () -> watcher.current().isLive("shard-1"));
    assertThat(watcher.current().members()).containsEntry("shard-1", shard);

    await(lease.stop());
    awaitCondition("the gateway to see shard-1's lease released", () -> !watcher.current().isLive("shard-1"));
    assertThat(views.get(views.size() - 1).members()).containsKey("shard-1");
    await(watcher.stop());
  }
}
