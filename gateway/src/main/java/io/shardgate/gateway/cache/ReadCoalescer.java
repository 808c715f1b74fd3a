package io.shardgate.gateway.cache;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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

  /** A read and, once its result was put where later lookups find it (filled), the tick it landed at. */
  private static final class Shared<T> {
    final Future<T> future;
    volatile long landedAt;

    Shared(Future<T> future) {
      this.future = future;
    }
  }

  private final ConcurrentHashMap<String, Shared<T>> inFlight = new ConcurrentHashMap<>();
  /** A logical clock: orders "a lookup was asked" against "a result landed" without wall time. */
  private final AtomicLong ticks = new AtomicLong();
  private final long maxReadMs;

  /** @param maxReadMs a read still running after this stops being shared (the request deadline) */
  ReadCoalescer(long maxReadMs) {
    this.maxReadMs = maxReadMs;
  }

  /** Now, on this coalescer's logical clock: take it before asking the cache. */
  long tick() {
    return ticks.get();
  }

  /** How long a landed result may stay kept: the request deadline, after which no earlier request waits. */
  long keepMs() {
    return maxReadMs;
  }

  /**
   * Joins the read of this record in flight, or starts one with {@code read}. Call on the request's
   * event loop; {@code caller} is that request's context.
   */
  Joined<T> read(Context caller, String collection, String key, Supplier<Future<T>> read) {
    return read(caller, collection, key, read, false, tick());
  }

  /**
   * @param keepUntilReleased keep sharing the completed result until {@link #release} (the leader fills
   *     the cache with it; meanwhile later misses would otherwise read the shard again). An acknowledged
   *     write of the record still stops the sharing at once ({@link #forget}).
   * @param askedAt the {@link #tick()} at which the request asked the cache: a kept result that landed
   *     before then is not joined (the request looked after the fill and still missed, so it reads
   *     afresh); one that landed after is, however late the request's miss is processed
   */
  Joined<T> read(Context caller, String collection, String key, Supplier<Future<T>> read, boolean keepUntilReleased,
      long askedAt) {
    String id = id(collection, key);
    Promise<T> promise = Promise.promise();
    Shared<T> mine = new Shared<>(promise.future());
    Shared<T> joined = inFlight.compute(id, (k, running) -> running != null
        && (running.landedAt == 0 || askedAt < running.landedAt) ? running : mine);
    if (joined != mine) {
      return new Joined<>(onCallerLoop(caller, joined.future), false, joined.future);
    }
    start(read).timeout(maxReadMs, TimeUnit.MILLISECONDS).onComplete(ar -> {
      // Removed before anyone hears the result (unless kept for the fill, or failed): a request
      // arriving from now on starts a fresh read.
      if (!keepUntilReleased || ar.failed()) {
        inFlight.remove(id, mine);
      }
      promise.handle(ar);
    });
    return new Joined<>(onCallerLoop(caller, mine.future), true, mine.future);
  }

  /**
   * The leader put its kept result where lookups find it (its fill landed): from now on only requests
   * that asked the cache before this moment join it. Call {@link #release} within {@link #keepMs()}.
   */
  void landed(String collection, String key, Future<T> shared) {
    Shared<T> running = inFlight.get(id(collection, key));
    if (running != null && running.future == shared) {
      running.landedAt = ticks.incrementAndGet();
    }
  }

  /** The leader is done with a result it kept shared. */
  void release(String collection, String key, Future<T> shared) {
    inFlight.computeIfPresent(id(collection, key), (k, running) -> running.future == shared ? null : running);
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
