package io.shardgate.gateway.cache;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One read per record at a time in this gateway process (shard reads, and cache lookups): the first request that misses starts
 * the read, the ones that arrive while it runs wait for its result. One instance is shared by every
 * gateway verticle, so the read completes on its leader's event loop; each request is handed the result
 * back on its own event loop before it writes its answer.
 */
final class ReadCoalescer<T> {
  /** The shared read and whether this request started it (and so owns the fill that follows). */
  record Joined<T>(Future<T> response, boolean leader, Future<T> shared) {}

  private final ConcurrentHashMap<String, Future<T>> inFlight = new ConcurrentHashMap<>();
  private final long maxReadMs;

  /** @param maxReadMs a read still running after this stops being shared (the request deadline) */
  ReadCoalescer(long maxReadMs) {
    this.maxReadMs = maxReadMs;
  }

  /**
   * Joins the read of this record in flight, or starts one with {@code read}. Call on the request's
   * event loop; {@code caller} is that request's context.
   */
  Joined<T> read(Context caller, String collection, String key, Supplier<Future<T>> read) {
    return read(caller, collection, key, read, false);
  }

  /**
   * @param keepUntilReleased keep sharing the completed result until {@link #release} (the leader fills
   *     the cache with it; meanwhile later misses would otherwise read the shard again). An acknowledged
   *     write of the record still stops the sharing at once ({@link #forget}).
   */
  Joined<T> read(Context caller, String collection, String key, Supplier<Future<T>> read, boolean keepUntilReleased) {
    String id = id(collection, key);
    Promise<T> promise = Promise.promise();
    Future<T> mine = promise.future();
    Future<T> running = inFlight.putIfAbsent(id, mine);
    if (running != null) {
      return new Joined<>(onCallerLoop(caller, running), false, running);
    }
    start(read).timeout(maxReadMs, TimeUnit.MILLISECONDS).onComplete(ar -> {
      // Removed before anyone hears the result (unless kept for the fill, or failed): a request
      // arriving from now on starts a fresh read.
      if (!keepUntilReleased || ar.failed()) {
        inFlight.remove(id, mine);
      }
      promise.handle(ar);
    });
    return new Joined<>(onCallerLoop(caller, mine), true, mine);
  }

  /** The leader is done with a result it kept shared (its fill landed or failed). */
  void release(String collection, String key, Future<T> shared) {
    inFlight.remove(id(collection, key), shared);
  }

  /**
   * A write of this record was acknowledged: requests from now on must not join a read that may have
   * started before it. Requests already waiting keep it (they were concurrent with the write).
   */
  void forget(String collection, String key) {
    inFlight.remove(id(collection, key));
  }

  int inFlight() {
    return inFlight.size();
  }

  private static <T> Future<T> start(Supplier<Future<T>> read) {
    try {
      return read.get();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  /** The shared result delivered on the thread of the caller's event loop (at once when already on it). */
  private static <T> Future<T> onCallerLoop(Context caller, Future<T> shared) {
    Thread callerThread = Thread.currentThread();
    Promise<T> here = Promise.promise();
    shared.onComplete(ar -> {
      if (Thread.currentThread() == callerThread) {
        here.handle(ar);
      } else {
        caller.runOnContext(v -> here.handle(ar));
      }
    });
    return here.future();
  }

  private static String id(String collection, String key) {
    return collection + '\u0000' + key;
  }
}
