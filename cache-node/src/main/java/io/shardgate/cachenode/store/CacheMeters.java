package io.shardgate.cachenode.store;

import com.github.benmanes.caffeine.cache.RemovalCause;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * Publishes a store's counters as {@code shardgate_cache_*} meters tagged with the node id. The meters
 * read the store's own counters, so /metrics and /cache/stats always agree.
 */
public final class CacheMeters implements AutoCloseable {
  private final MeterRegistry registry;
  private final List<Meter> meters = new ArrayList<>();
  private Counter unproven;

  private CacheMeters(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Fills and invalidations refused because no shard node's proof came with them. */
  public Counter unproven() {
    return unproven;
  }

  public static CacheMeters bind(MeterRegistry registry, String nodeId, VersionedCache cache) {
    CacheMeters m = new CacheMeters(registry);
    m.meters.add(Gauge.builder("shardgate.cache.entries", cache, VersionedCache::entries).tag("node", nodeId)
        .description("entries and tombstones held").register(registry));
    m.meters.add(Gauge.builder("shardgate.cache.bytes", cache, VersionedCache::bytes).tag("node", nodeId)
        .description("weighed size of what is held (keys, bodies and per-entry overhead)").register(registry));
    m.counter("shardgate.cache.hits", nodeId, cache, VersionedCache::hits, "reads answered from the cache");
    m.counter("shardgate.cache.misses", nodeId, cache, VersionedCache::misses, "reads of an absent key or a tombstone");
    m.counter("shardgate.cache.fills", nodeId, cache, VersionedCache::fills, "fills stored");
    m.counter("shardgate.cache.fills.rejected", nodeId, cache, VersionedCache::staleFillsRejected,
        "fills refused because the node held the same or a newer version");
    m.counter("shardgate.cache.invalidations", nodeId, cache, VersionedCache::invalidations, "tombstones written");
    m.unproven = Counter.builder("shardgate.cache.updates.unproven").tag("node", nodeId)
        .description("fills and invalidations refused (403) without a shard node's proof of their version").register(registry);
    m.meters.add(m.unproven);
    for (RemovalCause cause : List.of(RemovalCause.SIZE, RemovalCause.EXPIRED)) {
      m.meters.add(FunctionCounter.builder("shardgate.cache.evictions", cache, c -> c.evictions(cause))
          .tag("node", nodeId).tag("cause", cause.name().toLowerCase(Locale.ROOT))
          .description("entries and tombstones removed by the byte bound (size) or their TTL (expired)")
          .register(registry));
    }
    return m;
  }

  private void counter(String name, String nodeId, VersionedCache cache, ToDoubleFunction<VersionedCache> count,
      String description) {
    meters.add(FunctionCounter.builder(name, cache, count).tag("node", nodeId).description(description)
        .register(registry));
  }

  /** Removes the meters, so a node deployed again under the same id publishes its new store. */
  @Override
  public void close() {
    meters.forEach(registry::remove);
    meters.clear();
  }
}
