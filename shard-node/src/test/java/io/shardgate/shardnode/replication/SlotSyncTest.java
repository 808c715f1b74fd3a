package io.shardgate.shardnode.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.shardgate.cluster.security.MemberAuth;
import io.shardgate.cluster.config.Settings;
import io.shardgate.cluster.membership.MemberInfo;
import io.shardgate.cluster.membership.MembershipView;
import io.shardgate.cluster.membership.Role;
import io.shardgate.cluster.placement.Placement;
import io.shardgate.cluster.routing.RoutingTable;
import io.shardgate.shardnode.store.InMemoryRecordStore;
import io.shardgate.shardnode.store.Precondition;
import io.shardgate.shardnode.store.RecordStore;
import io.shardgate.shardnode.store.SlotPosition;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Catch-up of one slot from a real source node over HTTP: the source serves /replication from its
 * store; this node's store is brought level, including entries it holds that the source never had.
 */
class SlotSyncTest {
  private static final int SLOT = 7;
  private Vertx vertx;
  private InMemoryRecordStore source;
  private InMemoryRecordStore local;
  private HttpServer server;
  private SlotSync sync;
  private MemberInfo sourceNode;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    source = new InMemoryRecordStore();
    local = new InMemoryRecordStore();
    on(() -> source.start().compose(v -> local.start()));
    RoutingTable routing = new RoutingTable(Placement.rendezvous(), 16, 2);
    Peers sourcePeers = new Peers("source", routing, () -> 0);
    Router router = Router.router(vertx);
    PeerClient client = new PeerClient(vertx, "local", Settings.Replication.DEFAULTS, new SimpleMeterRegistry(),
        MemberAuth.none());
    new ReplicationRoutes(source, sourcePeers, new SlotLocks(), new SlotSync(source, client, 100, "source",
        new SimpleMeterRegistry()), 3000).mount(router, 1 << 20);
    server = on(() -> vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
    sourceNode = new MemberInfo("source", Role.SHARD, "127.0.0.1", server.actualPort(), 1);
    routing.update(new MembershipView(Map.of("source", sourceNode), Set.of("source")));
    sync = new SlotSync(local, client, 2, "local", new SimpleMeterRegistry());
  }

  @AfterEach
  void stop() {
    on(() -> vertx.close());
  }

  @Test
  void appliesTheSourcesEntriesInBatches() {
    for (int i = 0; i < 5; i++) {
      int n = i;
      on(() -> source.create("c", "k" + n, SLOT, new JsonObject().put("n", n), 3));
    }
    long applied = on(() -> vertx.getOrCreateContext().<Long>executeBlocking(() -> 0L)
        .compose(x -> sync.syncLocked(sourceNode, SLOT)));
    assertThat(applied).isEqualTo(5);
    assertLevel();
  }

  @Test
  void rollsBackEntriesTheSourceNeverHadEvenWhenTheLogsSplitInDifferentEpochs() {
    // Source: 3:1 (k1), 3:2 (k2), 5:1 (k1 again). This node got 3:1, then wrote 4:1 (k3) alone.
    var first = on(() -> source.create("c", "k1", SLOT, new JsonObject().put("v", 1), 3));
    on(() -> source.create("c", "k2", SLOT, new JsonObject().put("v", 1), 3));
    on(() -> source.update("c", "k1", new JsonObject().put("v", 2), Precondition.NONE, 5));
    on(() -> local.apply(first.entry()));
    on(() -> local.create("c", "k3", SLOT, new JsonObject().put("v", 1), 4));
    assertThat(on(() -> local.position(SLOT))).isEqualTo(new SlotPosition(4, 1));

    on(() -> sync.syncLocked(sourceNode, SLOT));

    assertLevel();
    assertThat(on(() -> local.get("c", "k3"))).as("the unacknowledged write is rolled back").isNull();
    assertThat(on(() -> local.get("c", "k2"))).as("3:2, which this node never had, is applied").isNotNull();
    assertThat(on(() -> local.get("c", "k1")).document().toJsonObject().getInteger("v")).isEqualTo(2);
  }

  @Test
  void copiesTheWholeSlotWhenTheSourceTrimmedItsLog() {
    for (int i = 0; i < 6; i++) {
      int n = i;
      on(() -> source.create("c", "k" + n, SLOT, new JsonObject().put("n", n), 2));
    }
    on(() -> source.trim(2));
    on(() -> sync.syncLocked(sourceNode, SLOT));
    assertLevel();
  }

  private void assertLevel() {
    assertThat(on(() -> local.position(SLOT))).isEqualTo(on(() -> source.position(SLOT)));
    assertThat(on(() -> local.checksums())).isEqualTo(on(() -> source.checksums()));
  }

  private static <T> T on(Supplier<Future<T>> action) {
    return action.get().await();
  }

}
