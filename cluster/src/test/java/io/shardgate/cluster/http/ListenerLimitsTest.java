package io.shardgate.cluster.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.shardgate.cluster.config.Settings;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.http.PoolOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Real loopback servers held to real limits; clients are Vert.x clients and raw sockets. */
class ListenerLimitsTest {
  private static final long WAIT_MS = 5_000;

  private Vertx vertx;
  private MeterRegistry registry;
  private final List<HttpClient> clients = new ArrayList<>();

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    registry = new SimpleMeterRegistry();
  }

  @AfterEach
  void tearDown() {
    vertx.close().await();
  }

  @Test
  void buildsTheServerOptionsWithTheConfiguredIdleTimeout() {
    ListenerLimits limits = new ListenerLimits(new Settings.Listener("gateway", 42, 1000, 10), registry, "gateway");
    HttpServerOptions options = limits.options("10.0.0.1", 8443);

    assertThat(options.getHost()).isEqualTo("10.0.0.1");
    assertThat(options.getPort()).isEqualTo(8443);
    assertThat(options.getIdleTimeout()).isEqualTo(42);
    assertThat(options.getIdleTimeoutUnit()).isEqualTo(TimeUnit.SECONDS);
  }

  @Test
  void closesAConnectionThatDoesNotFinishItsHeadersInTime() {
    // The idle timeout is far away: only the header deadline can close this connection.
    int port = listen(new Settings.Listener("test", 600, 200, 10));
    Watched watched = connect(port);
    NetSocket socket = watched.socket();
    Future<Void> closed = watched.closed();
    socket.write("GET /slow HTTP/1.1\r\nHost: test\r\nX-Partial: ").await();

    within(closed);
    assertThat(count("shardgate.listener.header.timeouts")).isEqualTo(1);
  }

  @Test
  void servesAConnectionThatSendsItsHeadersInTime() {
    // A deadline no loaded machine misses: a first request's connect and class loading can take 200 ms.
    int port = listen(new Settings.Listener("test", 600, 10_000, 10));
    HttpClientResponse response = get(client(), port);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(count("shardgate.listener.header.timeouts")).isZero();
  }

  @Test
  void theIdleTimeoutClosesAKeepAliveConnectionThatTricklesItsNextRequest() {
    // What the header deadline leaves to the idle timeout: Vert.x must not count header bytes as activity.
    // The header deadline only guards the first request here; it must not race the first request.
    int port = listen(new Settings.Listener("test", 1, 10_000, 10));
    Watched watched = connect(port);
    NetSocket socket = watched.socket();
    Promise<Void> answered = Promise.promise();
    socket.handler(bytes -> {
      if (bytes.toString().contains("HTTP/1.1 200")) {
        answered.tryComplete();
      }
    });
    Future<Void> closed = watched.closed();
    socket.write("GET /first HTTP/1.1\r\nHost: test\r\n\r\n").await();
    within(answered.future());
    // A header line every 200 ms: never idle for a second if header bytes counted.
    socket.write("GET /second HTTP/1.1\r\nHost: test\r\n");
    long trickle = vertx.setPeriodic(200, id -> socket.write("X-More: x\r\n"));

    within(closed);
    vertx.cancelTimer(trickle);
    assertThat(count("shardgate.listener.header.timeouts")).isZero();
  }

  @Test
  void shedsConnectionsBeyondTheCapWithA503AndRetryAfter() {
    int port = listen(new Settings.Listener("test", 600, 10_000, 2));
    HttpClient first = client();
    assertThat(get(first, port).statusCode()).isEqualTo(200);
    assertThat(get(client(), port).statusCode()).isEqualTo(200);

    HttpClientResponse shed = get(client(), port);
    assertThat(shed.statusCode()).isEqualTo(503);
    assertThat(shed.getHeader("retry-after")).isEqualTo("1");
    assertThat(shed.getHeader("content-type")).isEqualTo(Problem.CONTENT_TYPE);
    assertThat(shed.body().await().toJsonObject().getString("type")).isEqualTo("/problems/unavailable");
    assertThat(count("shardgate.listener.connections.shed")).isEqualTo(1);

    // The shed connection is closed, and so is the first one: a new connection fits again.
    first.close().await();
    awaitState("two connections open", () -> gauge() == 1);
    assertThat(get(client(), port).statusCode()).isEqualTo(200);
    assertThat(gauge()).isEqualTo(2);
  }

  @Test
  void closesAtOnceWhatArrivesBeyondTwiceTheCap() {
    int port = listen(new Settings.Listener("test", 600, 10_000, 1));
    assertThat(get(client(), port).statusCode()).isEqualTo(200);
    NetSocket waiting = connect(port).socket();
    awaitState("the second connection counted", () -> gauge() == 2);

    // The server closes this one as soon as it is accepted, possibly before connect() returns here.
    within(connect(port).closed());

    assertThat(count("shardgate.listener.connections.shed")).isEqualTo(2);
    assertThat(count("shardgate.listener.header.timeouts")).isZero();
    waiting.close().await();
  }

  @Test
  void aListenerBuiltAgainUnderTheSameNameTakesTheGaugeOver() {
    Settings.Listener settings = new Settings.Listener("test", 600, 10_000, 10);
    new ListenerLimits(settings, registry, "node-1");
    ListenerLimits again = new ListenerLimits(settings, registry, "node-1");
    int port = again.server(vertx, again.options("127.0.0.1", 0), r -> r.response().end()).listen().await().actualPort();

    assertThat(get(client(), port).statusCode()).isEqualTo(200);
    assertThat(registry.get("shardgate.listener.connections").tag("listener", "node-1").gauge().value()).isEqualTo(1);
  }

  private int listen(Settings.Listener settings) {
    ListenerLimits limits = new ListenerLimits(settings, registry, "test");
    HttpServer server = limits.server(vertx, limits.options("127.0.0.1", 0), r -> r.response().end("ok"));
    return server.listen().await().actualPort();
  }

  /** A client of one keep-alive connection. */
  private HttpClient client() {
    HttpClient client = vertx.createHttpClient(new PoolOptions().setHttp1MaxSize(1));
    clients.add(client);
    return client;
  }

  /**
   * The body is asked for in the step that receives the response: chained after it from this (test)
   * thread, the request may have been answered and its body ended before anyone reads it, and then the
   * body never completes (seen here: the server had answered, the client waited out WAIT_MS).
   */
  private static HttpClientResponse get(HttpClient client, int port) {
    return within(client.request(HttpMethod.GET, port, "127.0.0.1", "/")
        .compose(request -> request.send().compose(response -> response.body().map(body -> response))));
  }

  private static <T> T within(Future<T> future) {
    try {
      return future.await(WAIT_MS, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("no outcome within " + WAIT_MS + " ms", e);
    }
  }

  /** A raw connection and the future of its close. */
  private record Watched(NetSocket socket, Future<Void> closed) {}

  /**
   * Connects and watches for the close in the same event-loop task that completes the connect: set from
   * the test thread after connect() returned, the handler could miss a close the server sends at once.
   */
  private Watched connect(int port) {
    Promise<Void> closed = Promise.promise();
    Promise<NetSocket> connected = Promise.promise();
    // connect() is called on the socket's own event loop, so the handler below is attached before the
    // connect can complete, and runs in the task that completes it: no close can come in between.
    vertx.getOrCreateContext().runOnContext(v -> vertx.createNetClient().connect(port, "127.0.0.1").map(s -> {
      s.closeHandler(x -> closed.tryComplete());
      return s;
    }).onComplete(connected));
    return new Watched(within(connected.future()), closed.future());
  }

  private double count(String name) {
    return registry.get(name).tag("listener", "test").counter().count();
  }

  private double gauge() {
    return registry.get("shardgate.listener.connections").tag("listener", "test").gauge().value();
  }

  /** Polls for a state the server reaches on its own event loop (a close it has yet to see). */
  private static void awaitState(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.onSpinWait();
    }
  }
}
