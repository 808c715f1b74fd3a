package io.shardgate.cachenode;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.shardgate.cachenode.api.CacheRoutes;
import io.shardgate.cachenode.store.CacheLimits;
import io.shardgate.cachenode.store.CacheMeters;
import io.shardgate.cachenode.store.VersionedCache;
import io.shardgate.cluster.config.Settings;
import io.shardgate.cluster.http.ListenerLimits;
import io.shardgate.cluster.http.OpsRoutes;
import io.shardgate.cluster.http.Problem;
import io.shardgate.cluster.membership.Registry;
import io.shardgate.cluster.membership.Role;
import io.shardgate.cluster.presence.NodePresence;
import io.shardgate.cluster.security.MemberAuth;
import io.shardgate.cluster.security.RecordProof;
import io.shardgate.cluster.time.Clock;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cache node: a versioned, byte-bounded store of record bodies behind the /cache API, registered as
 * {@code cache} with a lease, plus /health and /metrics.
 */
public final class CacheNodeVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(CacheNodeVerticle.class);

  private final Settings.Shardgate config;
  private final Settings.Node self;
  private final Registry registry;
  private final PrometheusMeterRegistry meters;
  private final CacheLimits limits;
  private final Clock clock;
  private final MemberAuth auth;
  private final RecordProof proofs;
  private HttpServer server;
  private NodePresence presence;
  private CacheMeters cacheMeters;

  /** A node with the configured limits ({@code cacheStore}), measuring TTLs on the monotonic clock. */
  public CacheNodeVerticle(Settings.Shardgate config, Settings.Node self, Registry registry,
      PrometheusMeterRegistry meters, MemberAuth auth, RecordProof proofs) {
    this(config, self, registry, meters, CacheLimits.of(config.cacheStore()), Clock.monotonic(), auth, proofs);
  }

  /** @param clock what TTLs are measured on (tests move it instead of sleeping) */
  public CacheNodeVerticle(Settings.Shardgate config, Settings.Node self, Registry registry,
      PrometheusMeterRegistry meters, CacheLimits limits, Clock clock, MemberAuth auth, RecordProof proofs) {
    this.config = config;
    this.self = self;
    this.registry = registry;
    this.meters = meters;
    this.limits = limits;
    this.clock = clock;
    this.auth = auth;
    this.proofs = proofs;
  }

  @Override
  public Future<?> start() {
    VersionedCache cache = new VersionedCache(limits.maxBytes(), clock);
    cacheMeters = CacheMeters.bind(meters, self.id(), cache);
    // While the lease is lapsed gateways skip this node, so invalidations meant for it are lost:
    // start empty again before taking the lease back rather than serve what may be stale.
    presence = new NodePresence(vertx, registry, self, Role.CACHE, config.lease(), meters)
        .recovery(() -> {
          cache.clear();
          return Future.succeededFuture();
        }, () -> { }, () -> { });
    Router router = Router.router(vertx);
    router.route().handler(auth.guard(meters, self.id()));
    OpsRoutes.mount(router, self.id(), meters, presence::notReadyReason);
    CacheRoutes.mount(router, cache, limits, proofs, cacheMeters.unproven());
    answerErrorsAsProblems(router);
    ListenerLimits listenerLimits = new ListenerLimits(config.nodeListener(), meters, self.id());
    server = listenerLimits.server(vertx, auth.secure(listenerLimits.options(self.listenHost(), self.port())), router);
    return server.listen().compose(s -> presence.start())
        .onSuccess(v -> LOG.info("cache node {} serving on {}:{} ({} bytes, {} per entry, default TTL {} ms)",
            self.id(), self.host(), self.port(), limits.maxBytes(), limits.maxEntryBytes(), limits.defaultTtlMs()));
  }

  private static void answerErrorsAsProblems(Router router) {
    for (int status : List.of(400, 404, 405, 413, 414, 431)) {
      router.errorHandler(status, ctx -> Problem.forStatus(status, ctx.request().method() + " " + ctx.request().path())
          .send(ctx.response()));
    }
    router.errorHandler(500, ctx -> {
      LOG.warn("cache node request failed", ctx.failure());
      Problem.forStatus(500, "internal error").send(ctx.response());
    });
  }

  @Override
  public Future<?> stop() {
    if (cacheMeters != null) {
      cacheMeters.close();
    }
    return (presence == null ? Future.<Void>succeededFuture() : presence.stop())
        .eventually(() -> server == null ? Future.succeededFuture() : server.close());
  }
}
