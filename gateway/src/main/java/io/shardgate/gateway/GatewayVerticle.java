package io.shardgate.gateway;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.shardgate.cluster.config.Settings;
import io.shardgate.cluster.http.OpsRoutes;
import io.shardgate.cluster.ids.IdAllocator;
import io.shardgate.gateway.admin.AdminRoutes;
import io.shardgate.gateway.api.CollectionApi;
import io.shardgate.gateway.api.ErrorPages;
import io.shardgate.gateway.api.RequestIds;
import io.shardgate.gateway.api.RequestMetrics;
import io.shardgate.gateway.backend.Failover;
import io.shardgate.gateway.backend.NodeClient;
import io.shardgate.gateway.cache.CacheClient;
import io.shardgate.gateway.cache.GatewayCache;
import io.shardgate.cluster.routing.RoutingTable;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.TimeoutHandler;
import java.util.function.Supplier;

/**
 * One gateway instance; the process deploys one per event loop, all listening on the same port.
 * Each instance owns its HTTP server and its clients to the shard and cache nodes; the routing table,
 * cache path, id allocator and metrics registry are shared, immutable or thread-safe.
 */
public final class GatewayVerticle extends VerticleBase {
  private final Settings.Shardgate config;
  private final RoutingTable routing;
  private final GatewayCache cache;
  private final IdAllocator ids;
  private final PrometheusMeterRegistry meters;
  private final Supplier<String> readiness;
  private NodeClient nodes;
  private CacheClient caches;
  private HttpServer server;

  public GatewayVerticle(Settings.Shardgate config, RoutingTable routing, GatewayCache cache, IdAllocator ids,
      PrometheusMeterRegistry meters, Supplier<String> readiness) {
    this.config = config;
    this.routing = routing;
    this.cache = cache;
    this.ids = ids;
    this.meters = meters;
    this.readiness = readiness;
  }

  @Override
  public Future<?> start() {
    Settings.Gateway g = config.gateway();
    nodes = new NodeClient(vertx, g.backend(), meters);
    caches = cache.client(vertx);
    Router router = Router.router(vertx);
    ErrorPages.install(router);
    router.route().handler(TimeoutHandler.create(g.requestTimeoutMs(), 503)).handler(RequestIds::handle)
        .handler(new RequestMetrics(meters)::handle);
    OpsRoutes.mount(router, "gateway", meters, readiness);
    new AdminRoutes(g.adminToken(), routing).mount(router);
    Failover failover = new Failover(vertx, routing, config.replication(), meters);
    for (Settings.Collection collection : config.collections()) {
      new CollectionApi(collection, routing, nodes, failover, cache.collection(collection, caches), ids, meters,
          g.backend().retryAfterSeconds()).mount(router, g.maxBodyBytes());
    }
    HttpServerOptions options = new HttpServerOptions().setHost(g.host()).setPort(g.port())
        .setMaxHeaderSize(g.maxHeaderBytes()).setMaxInitialLineLength(4096)
        .setIdleTimeout(g.idleTimeoutSeconds()).setTcpNoDelay(true);
    server = vertx.createHttpServer(options).requestHandler(router).invalidRequestHandler(ErrorPages::invalidRequest);
    return server.listen();
  }

  @Override
  public Future<?> stop() {
    return Future.join(server == null ? Future.succeededFuture() : server.close(),
        nodes == null ? Future.succeededFuture() : nodes.close(),
        caches == null ? Future.succeededFuture() : caches.close());
  }
}
