package io.shardgate.cachenode;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.shardgate.cluster.config.Settings;
import io.shardgate.cluster.http.OpsRoutes;
import io.shardgate.cluster.presence.NodePresence;
import io.shardgate.cluster.membership.Registry;
import io.shardgate.cluster.membership.Role;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cache node. For now it registers, keeps its lease and serves health and metrics; the cache store
 * and its API arrive with the cache tier.
 */
public final class CacheNodeVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(CacheNodeVerticle.class);

  private final Settings.Shardgate config;
  private final Settings.Node self;
  private final Registry registry;
  private final PrometheusMeterRegistry meters;
  private HttpServer server;
  private NodePresence presence;

  public CacheNodeVerticle(Settings.Shardgate config, Settings.Node self, Registry registry, PrometheusMeterRegistry meters) {
    this.config = config;
    this.self = self;
    this.registry = registry;
    this.meters = meters;
  }

  @Override
  public Future<?> start() {
    presence = new NodePresence(vertx, registry, self, Role.CACHE, config.lease(), meters);
    Router router = Router.router(vertx);
    OpsRoutes.mount(router, self.id(), meters, presence::notReadyReason);
    server = vertx.createHttpServer(new HttpServerOptions().setHost(self.host()).setPort(self.port())).requestHandler(router);
    return server.listen().compose(s -> presence.start())
        .onSuccess(v -> LOG.info("cache node {} serving on {}:{}", self.id(), self.host(), self.port()));
  }

  @Override
  public Future<?> stop() {
    return (presence == null ? Future.<Void>succeededFuture() : presence.stop())
        .eventually(() -> server == null ? Future.succeededFuture() : server.close());
  }
}
