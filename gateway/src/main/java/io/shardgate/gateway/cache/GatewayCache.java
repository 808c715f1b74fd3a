package io.shardgate.gateway.cache;

import io.shardgate.gateway.backend.BackendResponse;
import io.micrometer.core.instrument.MeterRegistry;
import io.shardgate.cluster.config.Settings;
import io.shardgate.cluster.routing.RoutingTable;
import io.shardgate.cluster.security.MemberAuth;
import io.vertx.core.Vertx;
import io.shardgate.cluster.time.Clock;

/**
 * The gateway process's cache path: created once by {@code Gateway}, it holds what every verticle shares
 * (the in-flight shard reads being coalesced and the fences of recent writes) and hands each verticle its
 * own client to the cache nodes and a {@link CollectionCache} per collection.
 */
public final class GatewayCache {
  private final RoutingTable routing;
  private final MeterRegistry meters;
  private final CacheClient.Options options;
  private final MemberAuth auth;
  private final ReadCoalescer<BackendResponse> coalescer;
  private final WriteFence fence;
  /** Cache lookups in flight, shared by every verticle (one per record at a time). */
  private final ReadCoalescer<CollectionCache.Lookup> lookups;

  private GatewayCache(RoutingTable routing, MeterRegistry meters, CacheClient.Options options, MemberAuth auth,
      long maxReadMs, Clock clock) {
    this.routing = routing;
    this.meters = meters;
    this.options = options;
    this.auth = auth;
    this.coalescer = new ReadCoalescer<>(maxReadMs);
    this.lookups = new ReadCoalescer<>(maxReadMs);
    this.fence = new WriteFence(clock);
  }

  /**
   * @param requestTimeoutMs the whole-request deadline; no shard read is shared for longer
   * @param options deadlines and pool bounds of each verticle's client to the cache nodes
   * @param auth how those clients prove membership to the cache nodes
   */
  public static GatewayCache create(RoutingTable routing, MeterRegistry meters, long requestTimeoutMs,
      CacheClient.Options options, MemberAuth auth) {
    return new GatewayCache(routing, meters, options, auth, requestTimeoutMs, Clock.monotonic());
  }

  /** A verticle's own client to the cache nodes; the verticle closes it when it stops. */
  public CacheClient client(Vertx vertx) {
    return new CacheClient(vertx, options, auth);
  }

  public CollectionCache collection(Settings.Collection collection, CacheClient client) {
    return new CollectionCache(collection, routing, client, coalescer, fence, lookups,
        new CacheMetrics(meters, collection.name()));
  }
}
