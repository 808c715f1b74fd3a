package io.shardgate.cachenode.store;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Ticker;
import io.shardgate.cluster.time.Clock;
import io.vertx.core.buffer.Buffer;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Record bodies by (collection, key), each with the record's version and its own TTL, bounded by bytes.
 *
 * <p>Versions only move forward: a fill replaces an entry only with a strictly higher version, and an
 * invalidation leaves a tombstone that refuses fills of its version or older, so a slow fill of a value
 * read before a write cannot bring the old value back. Tombstones are evicted like entries; the TTL is
 * what bounds staleness if one is lost.
 *
 * <p>Thread-safe; every operation is a single in-memory map operation and never blocks.
 */
public final class VersionedCache {
  /** Bytes charged per entry on top of key and body: the map node, the record and the buffer header. */
  public static final int ENTRY_OVERHEAD_BYTES = 64;

  /** A fresh entry: the body exactly as it was filled, shared with the store (write it out, never modify it). */
  public record Hit(long version, Buffer body) {}

  public record Stats(long entries, long bytes, long maxBytes, long hits, long misses, long fills,
      long staleFillsRejected, long invalidations, long evictions) {}

  private record Key(String collection, String key) {}

  /** An entry, or a tombstone when body is null; expiresAt is in nanoseconds on the store's clock. */
  private record Slot(long version, Buffer body, long expiresAt, int weight) {
    boolean isTombstone() {
      return body == null;
    }
  }

  private final Ticker ticker;
  private final long maxBytes;
  private final Cache<Key, Slot> cache;
  private final ConcurrentMap<Key, Slot> map;
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private final LongAdder fills = new LongAdder();
  private final LongAdder staleFills = new LongAdder();
  private final LongAdder invalidations = new LongAdder();
  private final Map<RemovalCause, LongAdder> evictions = new EnumMap<>(RemovalCause.class);

  /** @param clock what TTLs are measured on (tests move it instead of sleeping) */
  public VersionedCache(long maxBytes, Clock clock) {
    if (maxBytes < 1) {
      throw new IllegalArgumentException("maxBytes must be positive, got " + maxBytes);
    }
    this.ticker = () -> TimeUnit.MILLISECONDS.toNanos(clock.millis());
    this.maxBytes = maxBytes;
    for (RemovalCause cause : RemovalCause.values()) {
      if (cause.wasEvicted()) {
        evictions.put(cause, new LongAdder());
      }
    }
    this.cache = Caffeine.newBuilder()
        .ticker(ticker)
        // Maintenance (eviction, expiry, the eviction listener) runs on the calling thread: it is
        // bounded in-memory work, and the counters are exact as soon as a call returns.
        .executor(Runnable::run)
        .maximumWeight(maxBytes)
        .weigher((Key k, Slot s) -> s.weight())
        .expireAfter(new UntilDeadline())
        .evictionListener((Key k, Slot s, RemovalCause cause) -> evictions.get(cause).increment())
        .build();
    this.map = cache.asMap();
  }

  /** The entry for the key, or empty on a miss (absent, expired or a tombstone). */
  public Optional<Hit> get(String collection, String key) {
    Slot slot = cache.getIfPresent(new Key(collection, key));
    if (slot == null || slot.isTombstone()) {
      misses.increment();
      return Optional.empty();
    }
    hits.increment();
    return Optional.of(new Hit(slot.version(), slot.body()));
  }

  /**
   * Stores a copy of body under version for ttlMs, unless the node holds an entry or tombstone whose
   * version is the same or higher.
   *
   * @return true when stored, false when rejected as stale
   */
  public boolean fillIfNewer(String collection, String key, long version, Buffer body, long ttlMs) {
    Slot fresh = new Slot(version, body.copy(), deadline(ttlMs), weight(collection, key) + body.length());
    Slot kept = map.compute(new Key(collection, key),
        (k, old) -> old != null && old.version() >= version ? old : fresh);
    boolean stored = kept == fresh;
    (stored ? fills : staleFills).increment();
    return stored;
  }

  /**
   * Replaces whatever the key holds by a tombstone of max(version, held version) that lives at least
   * ttlMs: a tombstone already there keeps its later deadline, so a short invalidation never shortens
   * the protection of an earlier one.
   */
  public void invalidate(String collection, String key, long version, long ttlMs) {
    long expiresAt = deadline(ttlMs);
    int weight = weight(collection, key);
    map.compute(new Key(collection, key), (k, old) -> old == null ? new Slot(version, null, expiresAt, weight)
        : new Slot(Math.max(version, old.version()), null,
            old.isTombstone() ? Math.max(expiresAt, old.expiresAt()) : expiresAt, weight));
    invalidations.increment();
  }

  /** Drops everything (not counted as evictions). */
  public void clear() {
    cache.invalidateAll();
  }

  /** Runs pending maintenance now: evictions and removal of expired entries. */
  public void cleanUp() {
    cache.cleanUp();
  }

  /** Entries and tombstones held, including expired ones not yet removed. */
  public long entries() {
    return cache.estimatedSize();
  }

  /** The weighed size of what is held, at most {@link #maxBytes()} once maintenance has run. */
  public long bytes() {
    return cache.policy().eviction().orElseThrow().weightedSize().orElse(0);
  }

  public long maxBytes() {
    return maxBytes;
  }

  public long hits() {
    return hits.sum();
  }

  public long misses() {
    return misses.sum();
  }

  public long fills() {
    return fills.sum();
  }

  public long staleFillsRejected() {
    return staleFills.sum();
  }

  public long invalidations() {
    return invalidations.sum();
  }

  /** Entries and tombstones removed for that cause (0 for causes that are not evictions). */
  public long evictions(RemovalCause cause) {
    LongAdder count = evictions.get(cause);
    return count == null ? 0 : count.sum();
  }

  public long evictions() {
    return evictions.values().stream().mapToLong(LongAdder::sum).sum();
  }

  public Stats stats() {
    return new Stats(entries(), bytes(), maxBytes, hits(), misses(), fills(), staleFillsRejected(), invalidations(),
        evictions());
  }

  private long deadline(long ttlMs) {
    return ticker.read() + TimeUnit.MILLISECONDS.toNanos(ttlMs);
  }

  private static int weight(String collection, String key) {
    return utf8Length(collection) + utf8Length(key) + ENTRY_OVERHEAD_BYTES;
  }

  static int utf8Length(String s) {
    int bytes = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }

  /**
   * Each slot expires at its own deadline. Computed from the deadline rather than from a duration so
   * that a rejected fill, which writes the held slot back unchanged, does not extend its life.
   */
  private static final class UntilDeadline implements Expiry<Key, Slot> {
    @Override
    public long expireAfterCreate(Key key, Slot slot, long now) {
      return Math.max(0, slot.expiresAt() - now);
    }

    @Override
    public long expireAfterUpdate(Key key, Slot slot, long now, long currentDuration) {
      return Math.max(0, slot.expiresAt() - now);
    }

    @Override
    public long expireAfterRead(Key key, Slot slot, long now, long currentDuration) {
      return currentDuration;
    }
  }
}
