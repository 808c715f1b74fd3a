package io.shardgate.cluster.ids.impl;

import io.shardgate.cluster.ids.IdAllocator;
import io.vertx.core.Future;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

/** Dev mode: one counter per collection, safe to share between event loops. Starts at 1 like INCR. */
public final class InProcessIdAllocator implements IdAllocator {
  private final ConcurrentMap<String, AtomicLong> counters = new ConcurrentHashMap<>();

  @Override
  public Future<Long> next(String collection) {
    if (collection == null || collection.isEmpty()) {
      return Future.failedFuture(new IllegalArgumentException("collection must not be empty"));
    }
    return Future.succeededFuture(counters.computeIfAbsent(collection, c -> new AtomicLong()).incrementAndGet());
  }

  @Override
  public Future<Long> nextAbove(String collection, long floor) {
    if (collection == null || collection.isEmpty()) {
      return Future.failedFuture(new IllegalArgumentException("collection must not be empty"));
    }
    AtomicLong counter = counters.computeIfAbsent(collection, c -> new AtomicLong());
    return Future.succeededFuture(counter.updateAndGet(v -> Math.max(v, floor) + 1));
  }
}
