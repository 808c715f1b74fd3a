package io.shardgate.cluster.membership.impl;

import static io.shardgate.cluster.membership.RedisTestSupport.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shardgate.cluster.membership.MemberInfo;
import io.shardgate.cluster.membership.MembershipView;
import io.shardgate.cluster.membership.RedisTestSupport;
import io.shardgate.cluster.membership.Registry;
import io.shardgate.cluster.membership.Role;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class InProcessRegistryTest {
  private final AtomicLong clock = new AtomicLong(10_000);
  private final Registry registry = Registry.inProcess(clock::get);

  private static MemberInfo shard(String id) {
    return new MemberInfo(id, Role.SHARD, "127.0.0.1", 9100, 1.0);
  }

  @Test
  void joinFetchRemoveRoundTrip() {
    await(registry.join(shard("shard-1")));
    await(registry.join(shard("shard-2")));
    await(registry.join(new MemberInfo("shard-2", Role.SHARD, "10.0.0.2", 9102, 2.0))); // update

    MembershipView view = await(registry.fetch());
    assertThat(view.members()).containsOnlyKeys("shard-1", "shard-2");
    assertThat(view.members().get("shard-2").weight()).isEqualTo(2.0);
    assertThat(view.live()).isEmpty();

    await(registry.remove("shard-1"));
    assertThat(await(registry.fetch()).members()).containsOnlyKeys("shard-2");
  }

  @Test
  void leaseExpiresWhenTheClockPassesItsTtl() {
    await(registry.join(shard("shard-1")));
    await(registry.renewLease("shard-1", 300));
    assertThat(await(registry.fetch()).isLive("shard-1")).isTrue();

    clock.addAndGet(299);
    assertThat(await(registry.fetch()).isLive("shard-1")).isTrue();
    clock.addAndGet(1);
    MembershipView expired = await(registry.fetch());

    assertThat(expired.isLive("shard-1")).isFalse();
    assertThat(expired.members()).containsKey("shard-1"); // a lapsed lease moves no data
  }

  @Test
  void renewalExtendsAndReleaseEndsTheLease() {
    await(registry.join(shard("shard-1")));
    await(registry.renewLease("shard-1", 300));
    clock.addAndGet(200);
    await(registry.renewLease("shard-1", 300));
    clock.addAndGet(200);
    assertThat(await(registry.fetch()).isLive("shard-1")).isTrue();

    await(registry.releaseLease("shard-1"));

    assertThat(await(registry.fetch()).isLive("shard-1")).isFalse();
  }

  @Test
  void announcesALeaseOnlyWhenItIsTakenAfterAnAbsence() {
    AtomicInteger announcements = new AtomicInteger();
    await(registry.subscribe(announcements::incrementAndGet)); // no context: runs on the caller's thread

    await(registry.renewLease("shard-1", 300));
    await(registry.renewLease("shard-1", 300));
    assertThat(announcements).hasValue(1);

    clock.addAndGet(300);
    await(registry.renewLease("shard-1", 300));
    assertThat(announcements).hasValue(2);

    await(registry.releaseLease("shard-1"));
    await(registry.releaseLease("shard-1"));
    assertThat(announcements).hasValue(3);
  }

  @Test
  void deliversChangesOnTheSubscribersContext() throws Exception {
    Vertx vertx = RedisTestSupport.vertx();
    try {
      Context subscriberContext = vertx.getOrCreateContext();
      CompletableFuture<Context> deliveredOn = new CompletableFuture<>();
      CompletableFuture<Void> subscribed = new CompletableFuture<>();
      subscriberContext.runOnContext(v -> registry.subscribe(() -> deliveredOn.complete(Vertx.currentContext()))
          .onComplete(ar -> subscribed.complete(null)));
      subscribed.get(5, TimeUnit.SECONDS);

      await(registry.join(shard("shard-1"))); // from the test thread, not the subscriber's

      assertThat(deliveredOn.get(5, TimeUnit.SECONDS)).isSameAs(subscriberContext);
    } finally {
      await(vertx.close());
    }
  }

  @Test
  void staysConsistentUnderConcurrentWriters() throws Exception {
    ExecutorService writers = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int thread = t;
        done.add(writers.submit(() -> {
          for (int i = 0; i < 100; i++) {
            String id = "shard-" + thread + "-" + i;
            await(registry.join(shard(id)));
            await(registry.renewLease(id, 1_000));
          }
        }));
      }
      for (Future<?> f : done) {
        f.get(10, TimeUnit.SECONDS);
      }
    } finally {
      writers.shutdownNow();
    }

    MembershipView view = await(registry.fetch());
    assertThat(view.members()).hasSize(800);
    assertThat(view.live()).hasSize(800);
  }

  @Test
  void refusesWorkOnceClosed() {
    await(registry.close());

    assertThatThrownBy(() -> await(registry.fetch())).hasMessageContaining("closed");
    assertThatThrownBy(() -> await(registry.join(shard("shard-1")))).hasMessageContaining("closed");
  }
}
