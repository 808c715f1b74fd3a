package io.shardgate.cluster.ids;

import static io.shardgate.cluster.membership.RedisTestSupport.REDIS_URL;
import static io.shardgate.cluster.membership.RedisTestSupport.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shardgate.cluster.membership.RedisRegistryOptions;
import io.shardgate.cluster.membership.RedisTestSupport;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class IdAllocatorTest {

  @Test
  void twoRedisAllocatorsNeverHandOutTheSameId() {
    Vertx vertx = RedisTestSupport.vertx();
    String cluster = RedisTestSupport.uniqueClusterName("ids");
    // As a gateway creates its client: bounded pool and wait queue from the registry options.
    Redis gatewayA = Redis.createClient(vertx, RedisRegistryOptions.of(REDIS_URL, cluster).redisOptions());
    Redis gatewayB = Redis.createClient(vertx, RedisRegistryOptions.of(REDIS_URL, cluster).redisOptions());
    try {
      IdAllocator a = IdAllocator.redis(gatewayA, cluster);
      IdAllocator b = IdAllocator.redis(gatewayB, cluster);
      List<Future<Long>> ids = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        ids.add(a.next("expenses"));
        ids.add(b.next("expenses"));
      }
      await(Future.all(ids));

      Set<Long> distinct = ids.stream().map(Future::result).collect(Collectors.toSet());
      assertThat(distinct).hasSize(400)
          .containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, 400).boxed().toList());
      assertThat(await(a.next("invoices"))).as("collections count independently").isEqualTo(1L);
    } finally {
      RedisTestSupport.deleteClusterKeys(gatewayA, cluster);
      await(gatewayA.close());
      await(gatewayB.close());
      await(vertx.close());
    }
  }

  @Test
  void inProcessAllocatorIsUniqueAcrossThreads() throws Exception {
    IdAllocator allocator = IdAllocator.inProcess();
    ExecutorService loops = Executors.newFixedThreadPool(4);
    List<java.util.concurrent.Future<List<Long>>> batches = new ArrayList<>();
    try {
      for (int t = 0; t < 4; t++) {
        batches.add(loops.submit(() -> {
          List<Long> mine = new ArrayList<>();
          for (int i = 0; i < 1_000; i++) {
            mine.add(await(allocator.next("expenses")));
          }
          return mine;
        }));
      }
      Set<Long> all = new HashSet<>();
      for (java.util.concurrent.Future<List<Long>> batch : batches) {
        all.addAll(batch.get(10, TimeUnit.SECONDS));
      }
      assertThat(all).hasSize(4_000).contains(1L, 4_000L);
    } finally {
      loops.shutdownNow();
    }
    assertThat(await(allocator.next("invoices"))).isEqualTo(1L);
  }

  @Test
  void nextAboveJumpsPastTheFloorOnlyWhenBehind() {
    Vertx vertx = RedisTestSupport.vertx();
    String cluster = RedisTestSupport.uniqueClusterName("epochs");
    Redis redis = Redis.createClient(vertx, RedisRegistryOptions.of(REDIS_URL, cluster).redisOptions());
    try {
      for (IdAllocator allocator : List.of(IdAllocator.redis(redis, cluster), IdAllocator.inProcess())) {
        assertThat(await(allocator.next("__epoch"))).isEqualTo(1L);
        assertThat(await(allocator.nextAbove("__epoch", 41))).as("behind the floor: jump").isEqualTo(42L);
        assertThat(await(allocator.nextAbove("__epoch", 10))).as("ahead of the floor: plain increment").isEqualTo(43L);
        assertThat(await(allocator.next("__epoch"))).isEqualTo(44L);
      }
    } finally {
      RedisTestSupport.deleteClusterKeys(redis, cluster);
      await(redis.close());
      await(vertx.close());
    }
  }

  @Test
  void rejectsAnEmptyCollection() {
    assertThatThrownBy(() -> await(IdAllocator.inProcess().next(""))).hasMessageContaining("collection");
  }
}
