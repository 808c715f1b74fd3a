package io.shardgate.shardnode;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.shardgate.cluster.config.Settings;
import io.shardgate.cluster.http.ListenerLimits;
import io.shardgate.cluster.http.OpsRoutes;
import io.shardgate.cluster.ids.IdAllocator;
import io.shardgate.cluster.membership.MembershipWatcher;
import io.shardgate.cluster.membership.Registry;
import io.shardgate.cluster.membership.Role;
import io.shardgate.cluster.placement.Placement;
import io.shardgate.cluster.presence.NodePresence;
import io.shardgate.cluster.routing.RoutingTable;
import io.shardgate.cluster.security.MemberAuth;
import io.shardgate.cluster.security.RecordProof;
import io.shardgate.cluster.time.Clock;
import io.shardgate.shardnode.api.NodeAdminRoutes;
import io.shardgate.shardnode.api.RecordRoutes;
import io.shardgate.shardnode.replication.CatchUp;
import io.shardgate.shardnode.replication.PeerClient;
import io.shardgate.shardnode.replication.Peers;
import io.shardgate.shardnode.replication.ReplicationRoutes;
import io.shardgate.shardnode.replication.Replicator;
import io.shardgate.shardnode.replication.SlotLocks;
import io.shardgate.shardnode.replication.SlotSync;
import io.shardgate.shardnode.replication.Timers;
import io.shardgate.shardnode.store.RecordStore;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One shard node and its lifecycle: open the store, listen, join, watch membership, catch up every
 * slot it holds, then take the lease and serve. A lapsed lease fences it until it has caught up again.
 * On stop it gives the lease up first, refuses new requests while in-flight ones finish, then closes.
 */
public final class ShardNodeVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ShardNodeVerticle.class);

  /** Where the node is in its lifecycle; it serves clients only in SERVING. */
  public enum State { STARTING, CATCHING_UP, SERVING, FENCED, LEAVING }

  private final Settings.Shardgate config;
  private final Settings.Node self;
  private final Registry registry;
  private final IdAllocator epochs;
  private final Supplier<RecordStore> stores;
  private final PrometheusMeterRegistry meters;
  private final MemberAuth auth;
  private final RecordProof proofs;
  private final Clock clock = Clock.monotonic();
  private volatile State state = State.STARTING;
  private RecordStore store;
  private HttpServer server;
  private NodePresence presence;
  private MembershipWatcher watcher;
  private PeerClient peerClient;
  private Replicator replicator;
  private CatchUp catchUp;
  private SlotLocks locks;
  private long trimTimer = -1;
  private DistributionSummary trimSlotsExamined;

  public ShardNodeVerticle(Settings.Shardgate config, Settings.Node self, Registry registry, IdAllocator epochs,
      Supplier<RecordStore> stores, PrometheusMeterRegistry meters, MemberAuth auth, RecordProof proofs) {
    this.config = config;
    this.self = self;
    this.registry = registry;
    this.epochs = epochs;
    this.stores = stores;
    this.meters = meters;
    this.auth = auth;
    this.proofs = proofs;
  }

  @Override
  public Future<?> start() {
    Settings.Cluster c = config.cluster();
    Settings.Replication r = config.replication();
    store = stores.get();
    RoutingTable routing = new RoutingTable(Placement.named(c.placement(), c.ringVirtualNodes()), c.slots(),
        c.replicationFactor());
    watcher = new MembershipWatcher(vertx, registry, meters, config.membership().resyncMs(), clock, self.id());
    watcher.addListener(routing::update);
    Peers peers = new Peers(self.id(), routing, clock);
    locks = new SlotLocks();
    peerClient = new PeerClient(vertx, self.id(), r, meters, auth);
    SlotSync sync = new SlotSync(store, peerClient, r.catchUpBatch(), self.id(), meters);
    replicator = new Replicator(peers, locks, peerClient, epochs, this::serving, () -> presence.holdsLease(), meters);
    catchUp = new CatchUp(Timers.of(vertx), clock, peers, store, locks, sync, peerClient, config.lease(),
        r.catchUpParallelism(), meters);
    presence = new NodePresence(vertx, registry, self, Role.SHARD, config.lease(), meters)
        .recovery(this::catchUpOnce, () -> state = State.FENCED, () -> catchUp.finish());
    for (State s : State.values()) {
      Gauge.builder("shardgate.node.state", () -> state == s ? 1 : 0).tag("node", self.id()).tag("state", s.name().toLowerCase())
          .description("1 for the node's current lifecycle state").register(meters);
    }
    trimSlotsExamined = DistributionSummary.builder("shardgate.oplog.trim.slots.examined").tag("node", self.id())
        .description("slots whose oplog one trim pass examined").register(meters);

    Router router = Router.router(vertx);
    router.route().handler(auth.guard(meters, self.id()));
    OpsRoutes.mount(router, self.id(), meters, this::notReadyReason);
    Settings.ShardNode limits = config.shardNode();
    new RecordRoutes(self.id(), routing, store, replicator, this::serving, meters, proofs).mount(router, limits.maxRecordBodyBytes());
    new ReplicationRoutes(store, peers, locks, sync, config.lease().ttlMs()).mount(router, limits.maxReplicationBodyBytes());
    new NodeAdminRoutes(self.id(), store, () -> state.name(), presence::holdsLease, catchUp::status).mount(router);
    ListenerLimits listenerLimits = new ListenerLimits(config.nodeListener(), meters, self.id());
    server = listenerLimits.server(vertx, auth.secure(listenerLimits.options(self.listenHost(), self.port())), router);
    return store.start()
        .compose(v -> server.listen())
        .compose(s -> presence.join())
        .compose(v -> watcher.start())
        .compose(v -> catchUpUntilDone())
        .compose(v -> presence.takeLease())
        .onComplete(ar -> catchUp.finish())
        .onSuccess(v -> {
          replicator.newServingPeriod();
          state = State.SERVING;
          trimTimer = vertx.setPeriodic(r.trimIntervalMs(), id -> trim(r.oplogRetentionPerSlot()));
          LOG.info("shard node {} serving on {}:{}", self.id(), self.host(), self.port());
        });
  }

  private boolean serving() {
    return state == State.SERVING && presence.holdsLease();
  }

  /** Recovery after a lapse: catch up once (NodePresence retries), then serve under new epochs. */
  private Future<Void> catchUpOnce() {
    state = State.CATCHING_UP;
    return catchUp.run().onSuccess(v -> {
      replicator.newServingPeriod();
      state = State.SERVING;
    });
  }


  private Future<Void> catchUpUntilDone() {
    state = State.CATCHING_UP;
    return catchUp.run().recover(e -> state == State.LEAVING ? Future.failedFuture(e)
        : vertx.timer(500).compose(t -> catchUpUntilDone()));
  }

  private void trim(int keepPerSlot) {
    store.trim(keepPerSlot)
        .onSuccess(pass -> trimSlotsExamined.record(pass.slotsExamined()))
        .onFailure(e -> LOG.warn("{}: oplog trim failed: {}", self.id(), e.toString()));
  }

  private String notReadyReason() {
    return serving() ? null : state == State.SERVING ? "no lease held in the registry" : state.name().toLowerCase();
  }

  /**
   * Graceful leave: refuse new requests (gateways retry them elsewhere), let in-flight writes finish
   * while the lease is still held so they are acknowledged, give the lease up (gateways and peers hear
   * of it at once), keep refusing for the drain period while stale views catch up, then close.
   */
  @Override
  public Future<?> stop() {
    state = State.LEAVING;
    vertx.cancelTimer(trimTimer);
    LOG.info("{} leaving: finishing in-flight writes, then giving up its lease", self.id());
    Future<Void> inFlight = locks == null ? Future.succeededFuture() : locks.drain();
    return inFlight
        .eventually(() -> presence == null ? Future.succeededFuture() : presence.stop())
        .eventually(() -> vertx.timer(config.replication().drainMs()))
        .eventually(() -> server == null ? Future.succeededFuture() : server.close())
        .eventually(() -> watcher == null ? Future.succeededFuture() : watcher.stop())
        .eventually(() -> peerClient == null ? Future.succeededFuture() : peerClient.close())
        .eventually(() -> store == null ? Future.succeededFuture() : store.close());
  }
}
