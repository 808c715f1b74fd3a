package io.shardgate.shardnode;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.shardgate.cluster.config.Settings;
import io.shardgate.cluster.http.OpsRoutes;
import io.shardgate.cluster.presence.NodePresence;
import io.shardgate.cluster.membership.Registry;
import io.shardgate.cluster.membership.Role;
import io.shardgate.shardnode.api.RecordRoutes;
import io.shardgate.shardnode.store.RecordStore;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One shard node: opens its store, serves the internal record API, then joins the member set and
 * keeps its lease. On stop it gives the lease up first so gateways stop routing to it, then closes.
 */
public final class ShardNodeVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ShardNodeVerticle.class);

  private final Settings.Shardgate config;
  private final Settings.Node self;
  private final Registry registry;
  private final Supplier<RecordStore> stores;
  private final PrometheusMeterRegistry meters;
  private RecordStore store;
  private HttpServer server;
  private NodePresence presence;

  public ShardNodeVerticle(Settings.Shardgate config, Settings.Node self, Registry registry, Supplier<RecordStore> stores,
      PrometheusMeterRegistry meters) {
    this.config = config;
    this.self = self;
    this.registry = registry;
    this.stores = stores;
    this.meters = meters;
  }

  @Override
  public Future<?> start() {
    store = stores.get();
    presence = new NodePresence(vertx, registry, self, Role.SHARD, config.lease(), meters);
    Router router = Router.router(vertx);
    OpsRoutes.mount(router, self.id(), meters, this::notReadyReason);
    new RecordRoutes(self.id(), config.cluster().slots(), store, meters).mount(router, config.gateway().maxBodyBytes() * 2);
    HttpServerOptions options = new HttpServerOptions().setHost(self.host()).setPort(self.port()).setTcpNoDelay(true)
        .setIdleTimeout(120);
    server = vertx.createHttpServer(options).requestHandler(router);
    return store.start()
        .compose(v -> server.listen())
        .compose(s -> presence.start())
        .onSuccess(v -> LOG.info("shard node {} serving on {}:{}", self.id(), self.host(), self.port()));
  }

  private String notReadyReason() {
    return presence == null ? "starting" : presence.notReadyReason();
  }

  @Override
  public Future<?> stop() {
    Future<Void> left = presence == null ? Future.succeededFuture() : presence.stop();
    return left.eventually(() -> server == null ? Future.succeededFuture() : server.close())
        .eventually(() -> store == null ? Future.succeededFuture() : store.close());
  }
}
