package io.shardgate.cluster.ids.impl;

import io.shardgate.cluster.ids.IdAllocator;
import io.shardgate.cluster.membership.RedisKeys;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.util.Objects;

/** INCR is atomic in Redis, so every gateway sharing the Redis gets distinct ids without coordination. */
public final class RedisIdAllocator implements IdAllocator {
  /** INCR, and if the result is not above the floor, set the counter to floor + 1: one atomic step. */
  private static final String NEXT_ABOVE = "local v = redis.call('INCR', KEYS[1]) "
      + "if v <= tonumber(ARGV[1]) then v = tonumber(ARGV[1]) + 1 redis.call('SET', KEYS[1], v) end return v";

  private final Redis redis;
  private final RedisKeys keys;

  public RedisIdAllocator(Redis redis, String clusterName) {
    this.redis = Objects.requireNonNull(redis, "redis");
    this.keys = new RedisKeys(clusterName);
  }

  @Override
  public Future<Long> next(String collection) {
    if (collection == null || collection.isEmpty()) {
      return Future.failedFuture(new IllegalArgumentException("collection must not be empty"));
    }
    return redis.send(Request.cmd(Command.INCR).arg(keys.ids(collection))).map(r -> r.toLong());
  }

  @Override
  public Future<Long> nextAbove(String collection, long floor) {
    if (collection == null || collection.isEmpty()) {
      return Future.failedFuture(new IllegalArgumentException("collection must not be empty"));
    }
    return redis.send(Request.cmd(Command.EVAL).arg(NEXT_ABOVE).arg(1).arg(keys.ids(collection)).arg(floor))
        .map(r -> r.toLong());
  }
}
