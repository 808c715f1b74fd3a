package io.shardgate.cachenode.store;

import io.shardgate.cluster.config.Settings;

/**
 * What one cache node holds: the byte budget of the whole store, the largest body one entry may
 * carry, and the TTL of a fill or invalidation that names none. Validated when built.
 */
public record CacheLimits(long maxBytes, int maxEntryBytes, long defaultTtlMs) {
  public static final long DEFAULT_MAX_BYTES = 64L * 1024 * 1024;
  public static final int DEFAULT_MAX_ENTRY_BYTES = 1024 * 1024;
  public static final long DEFAULT_TTL_MS = 60_000;
  /** The longest TTL a caller may ask for (one day): a lost invalidation never lingers longer. */
  public static final long MAX_TTL_MS = 86_400_000;

  public static final CacheLimits DEFAULTS = new CacheLimits(DEFAULT_MAX_BYTES, DEFAULT_MAX_ENTRY_BYTES, DEFAULT_TTL_MS);

  public CacheLimits {
    if (maxBytes < 1) {
      throw new IllegalArgumentException("cache maxBytes must be positive, got " + maxBytes);
    }
    if (maxEntryBytes < 1 || maxEntryBytes > maxBytes) {
      throw new IllegalArgumentException(
          "cache maxEntryBytes must be in 1.." + maxBytes + " (maxBytes), got " + maxEntryBytes);
    }
    if (defaultTtlMs < 1 || defaultTtlMs > MAX_TTL_MS) {
      throw new IllegalArgumentException("cache defaultTtlMs must be in 1.." + MAX_TTL_MS + ", got " + defaultTtlMs);
    }
  }

  /** The limits configured for every cache node. */
  public static CacheLimits of(Settings.CacheStore store) {
    return new CacheLimits(store.maxBytes(), store.maxEntryBytes(), store.defaultTtlMs());
  }

  /** The defaults with another byte budget (the entry limit shrinks to fit a small budget). */
  public static CacheLimits ofMaxBytes(long maxBytes) {
    return new CacheLimits(maxBytes, (int) Math.min(DEFAULT_MAX_ENTRY_BYTES, maxBytes), DEFAULT_TTL_MS);
  }
}
