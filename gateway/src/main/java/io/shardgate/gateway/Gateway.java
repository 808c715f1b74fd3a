package io.shardgate.gateway;

import io.shardgate.cluster.config.Settings;
import io.shardgate.cluster.http.ListenerLimits;
import io.shardgate.cluster.ids.IdAllocator;
import io.shardgate.cluster.membership.MembershipWatcher;
import io.shardgate.cluster.membership.Registry;
import io.shardgate.cluster.placement.Placement;
import io.shardgate.cluster.runtime.ShardgateVertx;
import io.shardgate.cluster.routing.RoutingTable;
import io.shardgate.cluster.security.MemberAuth;
import io.shardgate.cluster.time.Clock;
import io.shardgate.gateway.backend.BackendMetrics;
import io.shardgate.gateway.cache.CacheClient;
import io.shardgate.gateway.cache.GatewayCache;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires the gateway role: one membership watcher feeding one routing table for the process, one cache
 * path (coalesced reads, write fences), the backend's meters, then one {@link GatewayVerticle} per event
 * loop sharing them.
 */
public final class Gateway {
  private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

  private Gateway() {}

  public static Future<String> deploy(ShardgateVertx runtime, Settings.Shardgate config, Registry registry, IdAllocator ids,
      MemberAuth auth) {
    return deploy(runtime, config, registry, ids, CacheClient.Options.DEFAULTS, auth);
  }

  /** Deploys with these deadlines and pool bounds for the verticles' clients to the cache nodes. */
  public static Future<String> deploy(ShardgateVertx runtime, Settings.Shardgate config, Registry registry, IdAllocator ids,
      CacheClient.Options cacheClient, MemberAuth auth) {
    Settings.Cluster c = config.cluster();
    RoutingTable routing = new RoutingTable(Placement.named(c.placement(), c.ringVirtualNodes()), c.slots(),
        c.replicationFactor());
    MembershipWatcher watcher = new MembershipWatcher(runtime.vertx(), registry, runtime.registry(),
        config.membership().resyncMs(), Clock.monotonic(), "gateway");
    watcher.addListener(routing::update);
    GatewayCache cache = GatewayCache.create(routing, runtime.registry(), config.gateway().requestTimeoutMs(), cacheClient,
        auth);
    BackendMetrics backendMetrics = new BackendMetrics(runtime.registry());
    ListenerLimits listenerLimits = new ListenerLimits(config.gateway().listener(), runtime.registry(), "gateway");
    int instances = config.gateway().instances() > 0 ? config.gateway().instances() : ShardgateVertx.eventLoops();
    return watcher.start().compose(v -> {
      routing.update(watcher.current());
      return runtime.vertx().deployVerticle(
          () -> new GatewayVerticle(config, routing, cache, ids, runtime.registry(), backendMetrics,
              () -> routing.current().notRoutableReason(), auth, listenerLimits),
          new DeploymentOptions().setInstances(instances));
    }).onSuccess(id -> LOG.info("gateway listening on {}://{}:{} with {} instances, {} placement over {} slots",
        config.gateway().tls().enabled() ? "https" : "http", config.gateway().host(), config.gateway().port(),
        instances, c.placement(), c.slots()));
  }
}
