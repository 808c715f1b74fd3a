package io.shardgate.gateway.cache;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The cache path's counters for one collection, all registered here at construction; labels carry the
 * collection and a reason, never a key.
 */
final class CacheMetrics {
  /**
   * Every reason a read bypasses the cache: the path's own (disabled, no_cache_node, invalidating,
   * request) and a failed lookup's ({@link CacheUnavailable#reason()}).
   */
  static final List<String> BYPASS_REASONS = List.of("disabled", "no_cache_node", "invalidating", "request", "timeout",
      "connect", "overload", "closed", "status", "bad_response");

  private final Counter hits;
  private final Counter misses;
  private final Counter coalesced;
  private final Counter invalidationsSent;
  private final Counter invalidationsFailed;
  private final Map<CacheClient.FillOutcome, Counter> fills = new EnumMap<>(CacheClient.FillOutcome.class);
  private final Map<String, Counter> bypasses = new HashMap<>();

  CacheMetrics(MeterRegistry meters, String collection) {
    this.hits = counter(meters, collection, "shardgate.gateway.cache.hits", "Reads answered from a cache node");
    this.misses = counter(meters, collection, "shardgate.gateway.cache.misses", "Reads the cache node did not have");
    this.coalesced = counter(meters, collection, "shardgate.gateway.cache.coalesced",
        "Reads that waited for another request's shard read of the same record");
    this.invalidationsSent = Counter.builder("shardgate.gateway.cache.invalidations").tag("collection", collection)
        .tag("outcome", "sent").description("Invalidations after writes, by outcome").register(meters);
    this.invalidationsFailed = Counter.builder("shardgate.gateway.cache.invalidations").tag("collection", collection)
        .tag("outcome", "failed").description("Invalidations after writes, by outcome").register(meters);
    for (CacheClient.FillOutcome o : CacheClient.FillOutcome.values()) {
      fills.put(o, Counter.builder("shardgate.gateway.cache.fills").tag("collection", collection)
          .tag("outcome", o.tag()).description("Cache fills after a miss, by outcome").register(meters));
    }
    for (String reason : BYPASS_REASONS) {
      bypasses.put(reason, Counter.builder("shardgate.gateway.cache.bypasses").tag("collection", collection)
          .tag("reason", reason).description("Reads that went to the shard without the cache").register(meters));
    }
  }

  void hit() {
    hits.increment();
  }

  void miss() {
    misses.increment();
  }

  void coalesced() {
    coalesced.increment();
  }

  /** @param reason one of {@link #BYPASS_REASONS} */
  void bypass(String reason) {
    bypasses.get(reason).increment();
  }

  void fill(CacheClient.FillOutcome outcome) {
    fills.get(outcome).increment();
  }

  void invalidation(boolean sent) {
    (sent ? invalidationsSent : invalidationsFailed).increment();
  }

  private static Counter counter(MeterRegistry meters, String collection, String name, String description) {
    return Counter.builder(name).tag("collection", collection).description(description).register(meters);
  }
}
