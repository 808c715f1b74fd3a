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
}
