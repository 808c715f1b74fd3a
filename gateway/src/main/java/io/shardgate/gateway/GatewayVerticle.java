package io.shardgate.gateway;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.shardgate.cluster.config.Settings;
import io.shardgate.cluster.http.ListenerLimits;
import io.shardgate.cluster.http.OpsRoutes;
import io.shardgate.cluster.http.ServerTlsOptions;
import io.shardgate.cluster.ids.IdAllocator;
import io.shardgate.cluster.routing.RoutingTable;
import io.shardgate.cluster.security.MemberAuth;
import io.shardgate.gateway.admin.AdminRoutes;
import io.shardgate.gateway.backend.BackendMetrics;
import io.shardgate.gateway.backend.Failover;
import io.shardgate.gateway.backend.NodeClient;
import io.shardgate.gateway.cache.CacheClient;
import io.shardgate.gateway.cache.GatewayCache;
import io.shardgate.gateway.frontend.rest.RestCollectionApi;
import io.shardgate.gateway.frontend.rest.RestStats;
import io.shardgate.gateway.http.ErrorPages;
import io.shardgate.gateway.http.RequestIds;
import io.shardgate.gateway.http.RequestMetrics;
import io.shardgate.gateway.records.RecordMetrics;
import io.shardgate.gateway.records.RecordService;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.TimeoutHandler;
import java.util.function.Supplier;

/**
 * One gateway instance; the process deploys one per event loop, all listening on the same port.
 * Each instance owns its HTTP server, its clients to the shard and cache nodes, and a record service
 * per collection over them, which the front ends share; the routing table, cache path, id allocator,
 * listener limits and meters are the process's, immutable or thread-safe.
 */
public final class GatewayVerticle extends VerticleBase {
  private final Settings.Shardgate config;
  private final RoutingTable routing;
  private final GatewayCache cache;
  private final IdAllocator ids;
  private final PrometheusMeterRegistry meters;
  private final BackendMetrics backendMetrics;
  private final Supplier<String> readiness;
  private final MemberAuth auth;
  private final ListenerLimits listenerLimits;
  private NodeClient nodes;
  private CacheClient caches;
  private HttpServer server;

  public GatewayVerticle(Settings.Shardgate config, RoutingTable routing, GatewayCache cache, IdAllocator ids,
      PrometheusMeterRegistry meters, BackendMetrics backendMetrics, Supplier<String> readiness, MemberAuth auth,
      ListenerLimits listenerLimits) {
    this.config = config;
    this.routing = routing;
    this.cache = cache;
    this.ids = ids;
    this.meters = meters;
    this.backendMetrics = backendMetrics;
    this.readiness = readiness;
    this.auth = auth;
    this.listenerLimits = listenerLimits;
  }

  @Override
  public Future<?> start() {
    Settings.Gateway g = config.gateway();
    nodes = NodeClient.http(vertx, g.backend(), GatewayTuning.NODE_IDLE_TIMEOUT_SECONDS, backendMetrics, auth);
    caches = cache.client(vertx);
    Failover failover = new Failover(config.replication(), ms -> vertx.timer(ms).mapEmpty(), backendMetrics);
    Router router = Router.router(vertx);
    ErrorPages.install(router);
    router.route().handler(TimeoutHandler.create(g.requestTimeoutMs(), 503)).handler(RequestIds::handle)
        .handler(new RequestMetrics(meters)::handle);
    OpsRoutes.mount(router, "gateway", meters, readiness);
    new AdminRoutes(g.adminToken(), routing).mount(router);
    for (Settings.Collection collection : config.collections()) {
      RecordService records = new RecordService(collection.name(), routing, failover, nodes,
          cache.collection(collection, caches), ids, GatewayTuning.ID_ATTEMPTS, context,
          new RecordMetrics(meters, collection.name()));
      new RestCollectionApi(collection, records, RestStats.micrometer(meters, collection.name()),
          g.backend().retryAfterSeconds()).mount(router, g.maxBodyBytes());
    }
    HttpServerOptions options = ServerTlsOptions.apply(listenerLimits.options(g.host(), g.port())
        .setMaxHeaderSize(g.maxHeaderBytes()).setMaxInitialLineLength(GatewayTuning.MAX_REQUEST_LINE_BYTES), g.tls());
    server = listenerLimits.server(vertx, options, router).invalidRequestHandler(ErrorPages::invalidRequest);
    return server.listen();
  }

  @Override
  public Future<?> stop() {
    return Future.join(server == null ? Future.succeededFuture() : server.close(),
        nodes == null ? Future.succeededFuture() : nodes.close(),
        caches == null ? Future.succeededFuture() : caches.close());
  }
}
