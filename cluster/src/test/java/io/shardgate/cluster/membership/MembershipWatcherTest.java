package io.shardgate.cluster.membership;

import static io.shardgate.cluster.membership.RedisTestSupport.await;
import static io.shardgate.cluster.membership.RedisTestSupport.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MembershipWatcherTest {
  private static final long NO_PERIODIC_RESYNC = 600_000;
  private static final MemberInfo SHARD_1 = new MemberInfo("shard-1", Role.SHARD, "127.0.0.1", 9101, 1.0);
  private static final MemberInfo SHARD_2 = new MemberInfo("shard-2", Role.SHARD, "127.0.0.1", 9102, 1.0);
  private static final MemberInfo CACHE_1 = new MemberInfo("cache-1", Role.CACHE, "127.0.0.1", 9201, 1.0);
  private static final MembershipView ONE_SHARD = new MembershipView(Map.of("shard-1", SHARD_1), Set.of("shard-1"));
  private static final MembershipView TWO_SHARDS =
      new MembershipView(Map.of("shard-1", SHARD_1, "shard-2", SHARD_2), Set.of("shard-1"));

  private Vertx vertx;
  private final FakeRegistry registry = new FakeRegistry();
  private final MeterRegistry meters = new SimpleMeterRegistry();
  private final AtomicLong clock = new AtomicLong(1_000);
  private final List<MembershipView> notified = new CopyOnWriteArrayList<>();

  @BeforeEach
  void startVertx() {
    vertx = RedisTestSupport.vertx();
  }

  @AfterEach
  void closeVertx() {
    await(vertx.close());
  }

  private MembershipWatcher watcher(long resyncMillis) {
    return new MembershipWatcher(vertx, registry, meters, resyncMillis, clock::get).addListener(notified::add);
  }

  @Test
  void keepsTheLastKnownViewWhileTheRegistryFailsAndRecovers() {
    registry.fetch = () -> Future.succeededFuture(ONE_SHARD);
    MembershipWatcher watcher = watcher(NO_PERIODIC_RESYNC);
    await(watcher.start());
    assertThat(watcher.current()).isEqualTo(ONE_SHARD);
    assertThat(watcher.registryReachable()).isTrue();

    registry.fetch = () -> Future.failedFuture(new IllegalStateException("redis down"));
    assertThatThrownBy(() -> await(watcher.resync())).hasMessageContaining("redis down");
    assertThatThrownBy(() -> await(watcher.resync())).hasMessageContaining("redis down");

    assertThat(watcher.current()).isEqualTo(ONE_SHARD);
    assertThat(watcher.registryReachable()).isFalse();
    assertThat(meters.counter("shardgate.membership.resyncs", "observer", "process", "outcome", "error").count()).isEqualTo(2);

    registry.fetch = () -> Future.succeededFuture(TWO_SHARDS);
    registry.announce();
    awaitCondition("the view after recovery", () -> watcher.current().equals(TWO_SHARDS));

    assertThat(watcher.registryReachable()).isTrue();
    assertThat(notified).containsExactly(ONE_SHARD, TWO_SHARDS);
    assertThat(meters.counter("shardgate.membership.resyncs", "observer", "process", "outcome", "ok").count()).isEqualTo(2);
  }

  @Test
  void notifiesListenersOnlyWhenTheViewChanged() {
    registry.fetch = () -> Future.succeededFuture(ONE_SHARD);
    MembershipWatcher watcher = watcher(NO_PERIODIC_RESYNC);
    await(watcher.start());

    await(watcher.resync());
    await(watcher.resync());
    registry.fetch = () -> Future.succeededFuture(
        new MembershipView(Map.of("shard-1", SHARD_1), Set.of())); // same member, lease lapsed
    await(watcher.resync());

    assertThat(notified).hasSize(2);
    assertThat(notified.get(1).isLive("shard-1")).isFalse();
  }

  @Test
  void resyncsPeriodicallyWithoutAnnouncements() {
    registry.fetch = () -> Future.succeededFuture(ONE_SHARD);
    MembershipWatcher watcher = watcher(20);
    await(watcher.start());

    awaitCondition("three periodic reads", () -> registry.fetches.get() >= 4);

    await(watcher.stop());
    int afterStop = registry.fetches.get();
    assertThat(registry.subscribers).hasSize(1);
    assertThatThrownBy(() -> await(watcher.resync())).hasMessageContaining("stopped");
    assertThat(registry.fetches.get()).isEqualTo(afterStop);
  }

  @Test
  void coalescesABurstOfChangesIntoOneFollowUpRead() {
    Promise<MembershipView> slowRead = Promise.promise();
    registry.fetch = () -> Future.succeededFuture(ONE_SHARD);
    MembershipWatcher watcher = watcher(NO_PERIODIC_RESYNC);
    await(watcher.start());

    AtomicReference<Context> watcherContext = new AtomicReference<>();
    registry.fetch = () -> {
      watcherContext.set(Vertx.currentContext());
      return slowRead.future();
    };
    Future<MembershipView> first = watcher.resync();
    awaitCondition("the slow read to be sent", () -> watcherContext.get() != null);
    registry.fetch = () -> Future.succeededFuture(TWO_SHARDS);
    // The burst and the slow read's answer happen on the watcher's context, after the task that sent the
    // read has finished (and attached its listeners): from another thread, the answer could overtake
    // the two resync requests still on their way to the context.
    CompletableFuture<List<Future<MembershipView>>> burst = new CompletableFuture<>();
    watcherContext.get().runOnContext(v -> {
      Future<MembershipView> second = watcher.resync();
      Future<MembershipView> third = watcher.resync();
      slowRead.complete(ONE_SHARD);
      burst.complete(List.of(second, third));
    });
    List<Future<MembershipView>> answers = burst.join();
    Future<MembershipView> second = answers.get(0);
    Future<MembershipView> third = answers.get(1);

    assertThat(await(first)).isEqualTo(ONE_SHARD);
    assertThat(await(second)).isEqualTo(TWO_SHARDS);
    assertThat(await(third)).isEqualTo(TWO_SHARDS);
    assertThat(registry.fetches.get()).isEqualTo(3);
    assertThat(watcher.current()).isEqualTo(TWO_SHARDS);
  }

  @Test
  void failsToStartWhenTheRegistryCannotBeRead() {
    registry.fetch = () -> Future.failedFuture(new IllegalStateException("redis down"));
    MembershipWatcher watcher = watcher(NO_PERIODIC_RESYNC);

    assertThatThrownBy(() -> await(watcher.start())).hasMessageContaining("redis down");
    assertThat(watcher.current()).isEqualTo(MembershipView.EMPTY);

    registry.fetch = () -> Future.succeededFuture(ONE_SHARD);
    await(watcher.start());
    assertThat(watcher.current()).isEqualTo(ONE_SHARD);
  }

  @Test
  void exportsGaugesPerRoleAndTheViewAgeUnderPrometheusNames() throws IOException {
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.fetch = () -> Future.succeededFuture(new MembershipView(
        Map.of("shard-1", SHARD_1, "shard-2", SHARD_2, "cache-1", CACHE_1), Set.of("shard-2", "cache-1")));
    MembershipWatcher watcher = new MembershipWatcher(vertx, registry, prometheus, NO_PERIODIC_RESYNC, clock::get,
        "gateway");
    await(watcher.start());
    clock.addAndGet(2_500);

    String scrape = prometheus.scrape();

    assertThat(scrape)
        .contains("shardgate_membership_members{observer=\"gateway\",role=\"shard\"} 2")
        .contains("shardgate_membership_members{observer=\"gateway\",role=\"cache\"} 1")
        .contains("shardgate_membership_members{observer=\"gateway\",role=\"gateway\"} 0")
        .contains("shardgate_membership_live{observer=\"gateway\",role=\"shard\"} 1")
        .contains("shardgate_membership_live{observer=\"gateway\",role=\"cache\"} 1")
        .contains("shardgate_membership_resyncs_total{observer=\"gateway\",outcome=\"ok\"} 1")
        .contains("shardgate_membership_resyncs_total{observer=\"gateway\",outcome=\"error\"} 0")
        .contains("shardgate_membership_view_age_seconds{observer=\"gateway\"} 2.5");
  }
}
