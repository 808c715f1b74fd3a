package io.shardgate.cluster.membership;

import static io.shardgate.cluster.membership.RedisTestSupport.await;
import static io.shardgate.cluster.membership.RedisTestSupport.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LeaseKeeperTest {
  // Real-time renewal period long enough that only the first renewal happens during a test.
  private static final LeaseTiming SLOW_RENEWALS = new LeaseTiming(600_000, 3_000_000);

  private Vertx vertx;
  private final FakeRegistry registry = new FakeRegistry();
  private final MeterRegistry meters = new SimpleMeterRegistry();
  private final AtomicLong clock = new AtomicLong(1_000);

  @BeforeEach
  void startVertx() {
    vertx = RedisTestSupport.vertx();
  }

  @AfterEach
  void closeVertx() {
    await(vertx.close());
  }

  private LeaseKeeper keeper(LeaseTiming timing) {
    return new LeaseKeeper(vertx, registry, "shard-1", timing, meters, clock::get);
  }

  private double gaugeHeld() {
    return meters.get("shardgate.lease.held").tag("member", "shard-1").gauge().value();
  }

  @Test
  void isHeldUntilTheTtlCountedFromWhenTheRenewalWasSent() {
    Promise<Void> reply = Promise.promise();
    registry.renew = reply::future;
    LeaseKeeper keeper = keeper(new LeaseTiming(1_000, 3_000));
    Future<Void> started = keeper.start();
    awaitCondition("the renewal to be sent", () -> registry.renewals.get() == 1);
    assertThat(keeper.isHeld()).isFalse();
    registry.renew = () -> Promise.<Void>promise().future(); // later renewals never answer

    clock.set(1_500); // Redis answers half a second after the renewal was sent
    reply.complete();
    await(started);

    assertThat(keeper.isHeld()).isTrue();
    assertThat(gaugeHeld()).isEqualTo(1.0);
    clock.set(3_999);
    assertThat(keeper.isHeld()).isTrue();
    clock.set(4_000); // sent at 1 000 + ttl 3 000, not answered at 1 500 + 3 000
    assertThat(keeper.isHeld()).isFalse();
    assertThat(gaugeHeld()).isEqualTo(0.0);
  }

  @Test
  void keepsTryingUntilTheLeaseIsFirstTaken() {
    AtomicInteger attempts = new AtomicInteger();
    registry.renew = () -> attempts.incrementAndGet() < 3
        ? Future.failedFuture(new IllegalStateException("redis down"))
        : Future.succeededFuture();
    LeaseKeeper keeper = keeper(new LeaseTiming(10, 1_000));

    await(keeper.start());

    assertThat(keeper.isHeld()).isTrue();
    assertThat(meters.counter("shardgate.lease.renewals", "member", "shard-1", "outcome", "error").count())
        .isEqualTo(2);
    assertThat(meters.counter("shardgate.lease.renewals", "member", "shard-1", "outcome", "ok").count())
        .isGreaterThanOrEqualTo(1);
  }

  @Test
  void lapsesAndStopsRenewingWhenNoRenewalSucceedsWithinTheTtl() {
    LeaseKeeper keeper = keeper(new LeaseTiming(10, 1_000));
    CountDownLatch lapsed = new CountDownLatch(1);
    keeper.onLapse(lapsed::countDown);
    await(keeper.start());
    registry.renew = () -> Future.failedFuture(new IllegalStateException("redis down"));
    awaitCondition("a failed renewal", () ->
        meters.counter("shardgate.lease.renewals", "member", "shard-1", "outcome", "error").count() >= 1);

    clock.addAndGet(1_000);

    assertThat(keeper.isHeld()).isFalse(); // fenced at once, before the keeper even notices
    awaitCondition("the lapse handler", () -> lapsed.getCount() == 0);
    assertThat(registry.released).containsExactly("shard-1");
    assertThat(keeper.isHeld()).isFalse();

    registry.renew = Future::succeededFuture; // after catching up, the node takes the lease again
    await(keeper.start());
    assertThat(keeper.isHeld()).isTrue();
  }

  @Test
  void lapsesWhenTheLeaseKeyVanishedFromTheRegistry() {
    LeaseKeeper keeper = keeper(new LeaseTiming(10, 1_000));
    CountDownLatch lapsed = new CountDownLatch(1);
    keeper.onLapse(lapsed::countDown);
    await(keeper.start());
    assertThat(keeper.isHeld()).isTrue();

    registry.continuous = false; // e.g. Redis restarted empty: the next renewal re-creates the key

    awaitCondition("the lapse handler", () -> lapsed.getCount() == 0);
    assertThat(keeper.isHeld()).isFalse();
    assertThat(registry.released).containsExactly("shard-1");
  }

  @Test
  void lapsesWhenARenewalSucceedsOnlyAfterTheLeaseHadLapsed() {
    LeaseKeeper keeper = keeper(new LeaseTiming(10, 1_000));
    CountDownLatch lapsed = new CountDownLatch(1);
    keeper.onLapse(lapsed::countDown);
    await(keeper.start());
    List<Promise<Void>> inFlight = new CopyOnWriteArrayList<>();
    registry.renew = () -> {
      Promise<Void> reply = Promise.promise();
      inFlight.add(reply);
      return reply.future();
    };
    awaitCondition("a renewal in flight", () -> !inFlight.isEmpty());
    double okBefore = meters.counter("shardgate.lease.renewals", "member", "shard-1", "outcome", "ok").count();

    clock.addAndGet(2_000); // Redis may have expired the key before this renewal re-created it
    inFlight.get(0).complete();

    awaitCondition("the lapse handler", () -> lapsed.getCount() == 0);
    assertThat(keeper.isHeld()).isFalse();
    assertThat(registry.released).containsExactly("shard-1");
    assertThat(inFlight).hasSize(1);
    assertThat(meters.counter("shardgate.lease.renewals", "member", "shard-1", "outcome", "ok").count())
        .isEqualTo(okBefore + 1);
  }

  @Test
  void stopFencesAtOnceAndReleasesTheLease() {
    LeaseKeeper keeper = keeper(SLOW_RENEWALS);
    await(keeper.start());
    assertThat(keeper.isHeld()).isTrue();

    await(keeper.stop());

    assertThat(keeper.isHeld()).isFalse();
    assertThat(registry.released).containsExactly("shard-1");
  }

  @Test
  void refusesASecondStartWhileRunning() {
    LeaseKeeper keeper = keeper(SLOW_RENEWALS);
    await(keeper.start());

    assertThatThrownBy(() -> await(keeper.start())).hasMessageContaining("already being kept");
  }

  @Test
  void timingRejectsATtlThatDoesNotOutliveTheRenewalPeriod() {
    assertThatThrownBy(() -> new LeaseTiming(1_000, 1_000)).hasMessageContaining("must be greater than renewMs");
    assertThatThrownBy(() -> new LeaseTiming(0, 1_000)).hasMessageContaining("renewMs must be positive");
  }
}
