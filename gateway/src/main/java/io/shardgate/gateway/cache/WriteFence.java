package io.shardgate.gateway.cache;

import io.shardgate.cluster.time.Clock;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Read-your-writes within this gateway process while an invalidation is on its way. The client hears
 * of its write before the cache node applies the tombstone (the invalidation never delays the answer),
 * so until the cache node confirms it, this process refuses cached copies older than the write. An
 * invalidation that fails leaves its fence until the ttl, by when any copy filled before the write has
 * expired from the cache anyway. Shared by every gateway verticle.
 */
final class WriteFence {
  private static final long SWEEP_EVERY_MS = 1000;

  private record Fence(long version, long expiresAtMs) {}

  private final ConcurrentHashMap<String, Fence> fences = new ConcurrentHashMap<>();
  private final Clock clock;
  private final AtomicLong lastSweepMs;
  /** Writes acknowledged in this process so far: a lookup may only be shared by requests of its era. */
  private final AtomicLong writes = new AtomicLong();

  WriteFence(Clock clock) {
    this.clock = clock;
    this.lastSweepMs = new AtomicLong(clock.millis());
  }

  /** A write of the record at {@code version} was acknowledged; call before answering the client. */
  void written(String collection, String key, long version, long ttlMs) {
    writes.incrementAndGet();
    long now = clock.millis();
    Fence fence = new Fence(version, now + ttlMs);
    fences.merge(id(collection, key), fence, (old, neu) -> old.version() > neu.version() ? old : neu);
    sweep(now);
  }

  /** The cache node applied the tombstone of this version; a newer write's fence stays. */
  void confirmed(String collection, String key, long version) {
    fences.computeIfPresent(id(collection, key), (k, f) -> f.version() == version ? null : f);
    // After the fence: a request from now on has no floor, so it must not share a lookup that started
    // while the write-through was still on its way.
    writes.incrementAndGet();
  }

  /**
   * The oldest version a lookup starting now may serve (0 when no write is pending). Taken before the
   * lookup is sent: a fence confirmed while the lookup is in flight must still hold for its answer.
   */
  long floor(String collection, String key) {
    Fence f = fences.get(id(collection, key));
    return f == null || f.expiresAtMs() <= clock.millis() ? 0 : f.version();
  }

  /** Whether a cached copy at this version may be served. */
  boolean allows(String collection, String key, long cachedVersion) {
    Fence f = fences.get(id(collection, key));
    if (f == null) {
      return true;
    }
    if (f.expiresAtMs() <= clock.millis()) {
      fences.remove(id(collection, key), f);
      return true;
    }
    return cachedVersion >= f.version();
  }

  /**
   * Grows with every acknowledged write (before its fence is set) and every lifted fence. A cache lookup
   * that started before either may return the copy the write replaced, so a request joins only a lookup
   * started in the same era.
   */
  long era() {
    return writes.get();
  }

  int size() {
    return fences.size();
  }

  /** Drops expired fences at most once a second, so failed invalidations cannot grow the map for ever. */
  private void sweep(long now) {
    long last = lastSweepMs.get();
    if (now - last >= SWEEP_EVERY_MS && lastSweepMs.compareAndSet(last, now)) {
      fences.values().removeIf(f -> f.expiresAtMs() <= now);
    }
  }

  private static String id(String collection, String key) {
    return collection + '\u0000' + key;
  }
}
