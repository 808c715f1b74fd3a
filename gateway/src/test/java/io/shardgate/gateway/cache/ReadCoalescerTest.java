package io.shardgate.gateway.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardgate.gateway.backend.BackendResponse;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The coalescer on real event loops: two contexts on two threads stand for two gateway verticles. */
class ReadCoalescerTest {
  private static final BackendResponse OK = new BackendResponse(200, MultiMap.caseInsensitiveMultiMap(),
      Buffer.buffer("{}"));

  private Vertx vertx;
  private Context a;
  private Context b;
  private final ReadCoalescer<BackendResponse> coalescer = new ReadCoalescer<>(5_000);

  @BeforeEach
  void start() {
    vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    a = deployContext();
    b = deployContext();
    assertThat(threadOf(a)).isNotEqualTo(threadOf(b));
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  @Test
  void concurrentReadsOfOneRecordShareOneReadAndHearOnTheirOwnLoop() throws Exception {
    AtomicInteger reads = new AtomicInteger();
    Promise<BackendResponse> shard = Promise.promise();
    Supplier<Future<BackendResponse>> read = () -> {
      reads.incrementAndGet();
      return shard.future();
    };
    CompletableFuture<String> leaderThread = new CompletableFuture<>();
    CompletableFuture<String> waiterThread = new CompletableFuture<>();
    CompletableFuture<Boolean> leaderFlag = new CompletableFuture<>();
    CompletableFuture<Boolean> waiterFlag = new CompletableFuture<>();
    on(a, () -> {
      ReadCoalescer.Joined<BackendResponse> j = coalescer.read(a, "expenses", "1", read);
      leaderFlag.complete(j.leader());
      j.response().onSuccess(r -> leaderThread.complete(Thread.currentThread().getName()));
    });
    leaderFlag.get(5, TimeUnit.SECONDS);
    on(b, () -> {
      ReadCoalescer.Joined<BackendResponse> j = coalescer.read(b, "expenses", "1", read);
      waiterFlag.complete(j.leader());
      j.response().onSuccess(r -> waiterThread.complete(Thread.currentThread().getName()));
    });
    assertThat(leaderFlag.get()).isTrue();
    assertThat(waiterFlag.get(5, TimeUnit.SECONDS)).isFalse();
    assertThat(coalescer.inFlight()).isEqualTo(1);
    on(a, () -> shard.complete(OK));
    assertThat(leaderThread.get(5, TimeUnit.SECONDS)).isEqualTo(threadOf(a));
    assertThat(waiterThread.get(5, TimeUnit.SECONDS)).isEqualTo(threadOf(b));
    assertThat(reads).hasValue(1);
    assertThat(coalescer.inFlight()).isZero();
  }

  @Test
  void aReadThatCompletedIsNotSharedAgain() throws Exception {
    AtomicInteger reads = new AtomicInteger();
    Supplier<Future<BackendResponse>> read = () -> {
      reads.incrementAndGet();
      return Future.succeededFuture(OK);
    };
    for (int i = 0; i < 3; i++) {
      CompletableFuture<Boolean> leader = new CompletableFuture<>();
      on(a, () -> leader.complete(coalescer.read(a, "expenses", "1", read).leader()));
      assertThat(leader.get(5, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(reads).hasValue(3);
    assertThat(coalescer.inFlight()).isZero();
  }

  @Test
  void afterAWriteNewReadersDoNotJoinAReadThatStartedBeforeIt() throws Exception {
    AtomicInteger reads = new AtomicInteger();
    Promise<BackendResponse> before = Promise.promise();
    Promise<BackendResponse> after = Promise.promise();
    Supplier<Future<BackendResponse>> read = () -> reads.incrementAndGet() == 1 ? before.future() : after.future();
    assertThat(leads(a, read)).isTrue();
    coalescer.forget("expenses", "1");
    assertThat(leads(b, read)).isTrue();
    assertThat(reads).hasValue(2);
    // The older read finishing must not remove the newer one's entry: a third reader joins the newer.
    on(a, () -> before.complete(OK));
    assertThat(leads(a, read)).isFalse();
    assertThat(reads).hasValue(2);
    on(b, () -> after.complete(OK));
  }

  @Test
  void aReadThatThrowsOrNeverEndsReleasesTheRecord() throws Exception {
    ReadCoalescer<BackendResponse> quick = new ReadCoalescer<>(100);
    CompletableFuture<Throwable> thrown = new CompletableFuture<>();
    on(a, () -> quick.read(a, "expenses", "1", () -> {
      throw new IllegalStateException("boom");
    }).response().onFailure(thrown::complete));
    assertThat(thrown.get(5, TimeUnit.SECONDS)).hasMessage("boom");
    assertThat(quick.inFlight()).isZero();

    CompletableFuture<Throwable> hung = new CompletableFuture<>();
    on(a, () -> quick.read(a, "expenses", "2", () -> Promise.<BackendResponse>promise().future())
        .response().onFailure(hung::complete));
    assertThat(hung.get(5, TimeUnit.SECONDS)).isInstanceOf(TimeoutException.class);
    assertThat(quick.inFlight()).isZero();
  }

  /**
   * The CacheIT flake (two shard reads for 500 GETs of a cold key): a request whose lookup was asked
   * before the fill landed, but whose miss was handled after the keep timer fired on a busy loop, read
   * the shard again. Now the order of "asked" and "landed" decides, not how late the miss is handled.
   */
  @Test
  void aKeptResultIsJoinedByEveryRequestThatAskedBeforeItLandedAndByNoneThatAskedAfter() throws Exception {
    AtomicInteger reads = new AtomicInteger();
    Supplier<Future<BackendResponse>> read = () -> {
      reads.incrementAndGet();
      return Future.succeededFuture(OK);
    };
    long askedBefore = coalescer.tick();
    CompletableFuture<Future<BackendResponse>> first = new CompletableFuture<>();
    on(a, () -> first.complete(coalescer.read(a, "expenses", "1", read, true, coalescer.tick()).shared()));
    Future<BackendResponse> shared = first.get(5, TimeUnit.SECONDS);
    coalescer.landed("expenses", "1", shared);
    long askedAfter = coalescer.tick();

    assertThat(leads(b, read, askedBefore)).as("asked before the fill landed, handled however late").isFalse();
    assertThat(reads).hasValue(1);
    assertThat(leads(b, read, askedAfter)).as("asked after the fill landed and still missed").isTrue();
    assertThat(reads).hasValue(2);
  }

  @Test
  void aReleasedResultIsGoneAndAReleaseOfAnOlderReadKeepsANewerOne() throws Exception {
    Supplier<Future<BackendResponse>> read = () -> Future.succeededFuture(OK);
    CompletableFuture<Future<BackendResponse>> first = new CompletableFuture<>();
    on(a, () -> first.complete(coalescer.read(a, "expenses", "1", read, true, coalescer.tick()).shared()));
    Future<BackendResponse> older = first.get(5, TimeUnit.SECONDS);
    coalescer.landed("expenses", "1", older);
    assertThat(leads(a, read, coalescer.tick())).isTrue(); // replaces the landed one, and is kept in turn
    coalescer.release("expenses", "1", older);
    assertThat(coalescer.inFlight()).as("the newer read stays kept").isEqualTo(1);
    coalescer.forget("expenses", "1");
    assertThat(coalescer.inFlight()).isZero();
  }

  private boolean leads(Context ctx, Supplier<Future<BackendResponse>> read, long askedAt) throws Exception {
    CompletableFuture<Boolean> leader = new CompletableFuture<>();
    on(ctx, () -> leader.complete(coalescer.read(ctx, "expenses", "1", read, true, askedAt).leader()));
    return leader.get(5, TimeUnit.SECONDS);
  }

  private boolean leads(Context ctx, Supplier<Future<BackendResponse>> read) throws Exception {
    CompletableFuture<Boolean> leader = new CompletableFuture<>();
    on(ctx, () -> leader.complete(coalescer.read(ctx, "expenses", "1", read).leader()));
    return leader.get(5, TimeUnit.SECONDS);
  }

  private Context deployContext() {
    CompletableFuture<Context> ctx = new CompletableFuture<>();
    vertx.deployVerticle(new VerticleBase() {
      @Override
      public Future<?> start() {
        ctx.complete(context);
        return Future.succeededFuture();
      }
    }).await();
    return ctx.join();
  }

  private static String threadOf(Context ctx) {
    CompletableFuture<String> name = new CompletableFuture<>();
    ctx.runOnContext(v -> name.complete(Thread.currentThread().getName()));
    return name.join();
  }

  private static void on(Context ctx, Runnable action) {
    ctx.runOnContext(v -> action.run());
  }
}
