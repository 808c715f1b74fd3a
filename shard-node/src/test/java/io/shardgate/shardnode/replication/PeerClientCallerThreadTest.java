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
import io.shardgate.shardnode.store.SlotSnapshot;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A peer call made from a thread that is not the request's event loop (a test thread, any non-Vert.x
 * thread) races that event loop while PeerClient builds its future chain. When the response has
 * already arrived by the time the caller attaches the step that reads the body, that step runs in a
 * later event-loop task, after the response's end went by, and the body never completes: the call
 * hangs until the bulk deadline (SlotSyncTest, ~1 in 30 full runs). This test forces that
 * interleaving without timing: the HTTP client hands back a request future whose {@code compose}
 * returns only after the composed step completed and the event loop finished that task.
 */
class PeerClientCallerThreadTest {
  private static final int SLOT = 7;
  private Vertx vertx;
  private PeerClient client;
  private MemberInfo peer;
  /** The event loop context the client's composed step completed on. */
  private final AtomicReference<Context> requestContext = new AtomicReference<>();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    InMemoryRecordStore store = new InMemoryRecordStore();
    store.create("c", "k", SLOT, new JsonObject().put("n", 1), 1).await();
    RoutingTable routing = new RoutingTable(Placement.rendezvous(), 16, 2);
    Router router = Router.router(vertx);
    new ReplicationRoutes(store, new Peers("source", routing, () -> 0), new SlotLocks(), null, 3000).mount(router, 1 << 20);
    HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await();
    peer = new MemberInfo("source", Role.SHARD, "127.0.0.1", server.actualPort(), 1);
    routing.update(new MembershipView(Map.of("source", peer), Set.of("source")));
    client = new PeerClient(callerLagging(vertx), "local", Settings.Replication.DEFAULTS, new SimpleMeterRegistry(),
        MemberAuth.none());
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  @Test
  void answersACallFromAnotherThreadWhenTheResponseArrivesBeforeTheCallReturns() throws Exception {
    Future<SlotSnapshot> snapshot = client.snapshot(peer, SLOT);

    // Every step the caller attached has been queued on the event loop by now: let them all run.
    drainEventLoop();
    assertThat(snapshot.isComplete())
        .as("the snapshot call completed once its response was in (not left waiting for the deadline)")
        .isTrue();
    assertThat(snapshot.succeeded()).isTrue();
    assertThat(snapshot.result().records()).extracting(r -> r.key()).containsExactly("k");
  }

  private void drainEventLoop() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      CountDownLatch ran = new CountDownLatch(1);
      requestContext.get().runOnContext(v -> ran.countDown());
      assertThat(ran.await(5, TimeUnit.SECONDS)).isTrue();
    }
  }

  /**
   * The Vert.x instance PeerClient is given, whose HTTP client returns request futures that lag the
   * caller: {@code compose} on them returns only after the composed step completed on the event loop
   * and that event-loop task ended, as when the calling thread is descheduled at that point.
   */
  private Vertx callerLagging(Vertx real) {
    return proxy(Vertx.class, real, (m, result) -> m.getName().equals("createHttpClient")
        ? proxy(HttpClientAgent.class, (HttpClientAgent) result, (rm, request) -> rm.getName().equals("request")
            ? proxy(Future.class, (Future<?>) request, (fm, composed) -> fm.getName().equals("compose")
                && fm.getParameterCount() == 1 ? lagBehind((Future<?>) composed) : composed)
            : request)
        : result);
  }

  private Future<?> lagBehind(Future<?> composed) {
    CountDownLatch completed = new CountDownLatch(1);
    composed.onComplete(ar -> {
      requestContext.set(Vertx.currentContext());
      completed.countDown();
    });
    try {
      assertThat(completed.await(5, TimeUnit.SECONDS)).as("the request was answered").isTrue();
      CountDownLatch taskEnded = new CountDownLatch(1);
      requestContext.get().runOnContext(v -> taskEnded.countDown());
      assertThat(taskEnded.await(5, TimeUnit.SECONDS)).isTrue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return composed;
  }

  /** A proxy of {@code type} that calls {@code target} and passes each result through {@code after}. */
  @SuppressWarnings("unchecked")
  private static <T> T proxy(Class<T> type, T target, java.util.function.BiFunction<Method, Object, Object> after) {
    return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (p, method, args) -> {
      Object result;
      try {
        result = method.invoke(target, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
      return after.apply(method, result);
    });
  }
}
