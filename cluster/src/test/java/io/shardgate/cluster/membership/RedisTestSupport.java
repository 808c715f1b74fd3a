package io.shardgate.cluster.membership;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/** Shared by the membership and ids tests: a Vert.x for tests, the real Redis, and waiting helpers. */
public final class RedisTestSupport {
  public static final String REDIS_URL = System.getProperty("shardgate.redisUrl", "redis://127.0.0.1:6379");
  private static final long TIMEOUT_MILLIS = 10_000;

  private RedisTestSupport() {
  }

  /** Vert.x with the build's low blocked-thread threshold, so a blocking call shows up in the logs. */
  public static Vertx vertx() {
    long blockedMs = Long.getLong("shardgate.blockedThreadMs", 2_000);
    return Vertx.vertx(new VertxOptions()
        .setMaxEventLoopExecuteTime(blockedMs)
        .setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS));
  }

  /** A cluster name no other test (or run) uses, so tests never see each other's keys. */
  public static String uniqueClusterName(String test) {
    return "test-" + test + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  public static <T> T await(Future<T> future) {
    try {
      return future.await(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("no result within " + TIMEOUT_MILLIS + " ms", e);
    }
  }

  /** Polls {@code condition} until it holds; fails the test at the deadline. */
  public static void awaitCondition(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MILLIS);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + TIMEOUT_MILLIS + " ms waiting for " + what);
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what, e);
      }
    }
  }

  /** Deletes every key of the cluster (KEYS is fine on a test Redis). */
  public static void deleteClusterKeys(Redis redis, String clusterName) {
    Response keys = await(redis.send(Request.cmd(Command.KEYS).arg("shardgate:" + clusterName + ":*")));
    List<String> names = new ArrayList<>();
    for (Response key : keys) {
      names.add(key.toString());
    }
    if (!names.isEmpty()) {
      Request del = Request.cmd(Command.DEL);
      names.forEach(del::arg);
      await(redis.send(del));
    }
  }
}
