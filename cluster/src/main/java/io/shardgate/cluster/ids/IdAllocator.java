package io.shardgate.cluster.ids;

import io.shardgate.cluster.ids.impl.InProcessIdAllocator;
import io.shardgate.cluster.ids.impl.RedisIdAllocator;
import io.vertx.core.Future;
import io.vertx.redis.client.Redis;

/** Allocates ids that are unique per collection across every gateway of the cluster. */
public interface IdAllocator {

  /**
   * Ids from {@code INCR shardgate:<clusterName>:ids:<collection>}, starting at 1. Uses (does not own)
   * {@code redis}: the caller closes it.
   */
  static IdAllocator redis(Redis redis, String clusterName) {
    return new RedisIdAllocator(redis, clusterName);
  }

  /** Ids from a counter per collection in this JVM (dev mode: share one instance), starting at 1. */
  static IdAllocator inProcess() {
    return new InProcessIdAllocator();
  }

  Future<Long> next(String collection);

  /**
   * The next id that is also above {@code floor}: the counter jumps past the floor when it is behind
   * (e.g. Redis restarted empty while shard nodes kept epochs in their databases).
   */
  Future<Long> nextAbove(String collection, long floor);
}
