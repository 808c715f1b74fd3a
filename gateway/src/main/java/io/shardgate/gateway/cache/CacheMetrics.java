package io.shardgate.gateway.cache;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The cache path's counters for one collection; labels carry the collection and a reason, never a key. */
final class CacheMetrics {
  private final MeterRegistry meters;
  private final String collection;
  private final Counter hits;
  private final Counter misses;
  private final Counter coalesced;
  private final Counter invalidationsSent;
  private final Counter invalidationsFailed;
  private final Map<CacheClient.FillOutcome, Counter> fills = new EnumMap<>(CacheClient.FillOutcome.class);
  private final Map<String, Counter> bypasses = new ConcurrentHashMap<>();

  CacheMetrics(MeterRegistry meters, String collection) {
    this.meters = meters;
    this.collection = collection;
    this.hits = counter("shardgate_gateway_cache_hits_total", "Reads answered from a cache node");
    this.misses = counter("shardgate_gateway_cache_misses_total", "Reads the cache node did not have");
    this.coalesced = counter("shardgate_gateway_cache_coalesced_total",
        "Reads that waited for another request's shard read of the same record");
    this.invalidationsSent = Counter.builder("shardgate_gateway_cache_invalidations_total").tag("collection", collection)
        .tag("outcome", "sent").description("Invalidations after writes, by outcome").register(meters);
    this.invalidationsFailed = Counter.builder("shardgate_gateway_cache_invalidations_total").tag("collection", collection)
        .tag("outcome", "failed").description("Invalidations after writes, by outcome").register(meters);
    for (CacheClient.FillOutcome o : CacheClient.FillOutcome.values()) {
      fills.put(o, Counter.builder("shardgate_gateway_cache_fills_total").tag("collection", collection)
          .tag("outcome", o.tag()).description("Cache fills after a miss, by outcome").register(meters));
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

  void bypass(String reason) {
    bypasses.computeIfAbsent(reason, r -> Counter.builder("shardgate_gateway_cache_bypasses_total")
        .tag("collection", collection).tag("reason", r).description("Reads that went to the shard without the cache")
        .register(meters)).increment();
  }

  void fill(CacheClient.FillOutcome outcome) {
    fills.get(outcome).increment();
  }

  void invalidation(boolean sent) {
    (sent ? invalidationsSent : invalidationsFailed).increment();
  }

  private Counter counter(String name, String description) {
    return Counter.builder(name).tag("collection", collection).description(description).register(meters);
  }
}
