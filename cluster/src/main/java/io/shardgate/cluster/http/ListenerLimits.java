package io.shardgate.cluster.http;

import io.micrometer.core.instrument.MeterRegistry;
import io.shardgate.cluster.config.Settings;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Connection limits of one HTTP listener, shared by every server (verticle instance) on its port:
 * <ul>
 *   <li>idle timeout: a server option;
 *   <li>header timeout (slowloris): a connection that has not sent complete request headers within
 *       {@code headerTimeoutMs} of opening is closed. Later requests on a keep-alive connection are bounded
 *       by the idle timeout, which Vert.x does not reset on parts of a request's headers, so trickling
 *       header bytes does not keep a connection open (ListenerLimitsTest holds Vert.x to that);
 *   <li>a cap on open connections: one beyond {@code maxConnections} is answered {@code 503} with
 *       {@code Retry-After} as soon as its request headers arrive, then closed; one beyond twice the cap
 *       (a flood) is closed at once without reading, which keeps the accept queue draining.
 * </ul>
 * Per-connection state lives on the event loop of the server that accepted it; only the open-connection
 * count is shared. TLS handshakes are bounded by the server's SSL handshake timeout before any of this.
 */
public final class ListenerLimits {
  static final int RETRY_AFTER_SECONDS = 1;

  private final Settings.Listener settings;
  private final AtomicInteger open = new AtomicInteger();
  private final ListenerMeters meters;

  /** Limits for the listener named {@code listener} in metrics ({@code gateway} or a node id). */
  public ListenerLimits(Settings.Listener settings, MeterRegistry registry, String listener) {
    this.settings = settings;
    this.meters = new ListenerMeters(registry, listener, open::get);
  }

  /**
   * The basics of the listener's server options; callers add what is theirs (header sizes, TLS).
   * Cleartext HTTP/2 (h2c) is off: to tell h2c from HTTP/1.1 the server waits for a connection's first
   * bytes before it reports the connection, and a connection it does not know of escapes these limits.
   * HTTP/2 stays available over TLS, by ALPN.
   */
  public HttpServerOptions options(String host, int port) {
    return new HttpServerOptions().setHost(host).setPort(port).setTcpNoDelay(true).setHttp2ClearTextEnabled(false)
        .setIdleTimeout(settings.idleTimeoutSeconds()).setIdleTimeoutUnit(TimeUnit.SECONDS);
  }

  /** A server with these options whose connections are held to the limits and whose requests go to handler. */
  public HttpServer server(Vertx vertx, HttpServerOptions options, Handler<HttpServerRequest> handler) {
    Connections connections = new Connections(vertx, handler);
    return vertx.createHttpServer(options).connectionHandler(connections::opened).requestHandler(connections::request);
  }

  /** The connections of one server, touched only on its event loop: each with its header deadline's timer. */
  private final class Connections {
    private final Vertx vertx;
    private final Handler<HttpServerRequest> handler;
    private final Map<HttpConnection, Long> awaitingHeaders = new HashMap<>();
    private final Set<HttpConnection> shed = new HashSet<>();

    Connections(Vertx vertx, Handler<HttpServerRequest> handler) {
      this.vertx = vertx;
      this.handler = handler;
    }

    void opened(HttpConnection connection) {
      int now = open.incrementAndGet();
      connection.closeHandler(v -> closed(connection));
      if (now > 2L * settings.maxConnections()) {
        meters.shed();
        connection.close();
        return;
      }
      if (now > settings.maxConnections()) {
        meters.shed();
        shed.add(connection);
      }
      awaitingHeaders.put(connection, vertx.setTimer(settings.headerTimeoutMs(), id -> {
        awaitingHeaders.remove(connection);
        meters.headerTimeout();
        connection.close();
      }));
    }

    private void closed(HttpConnection connection) {
      open.decrementAndGet();
      shed.remove(connection);
      Long timer = awaitingHeaders.remove(connection);
      if (timer != null) {
        vertx.cancelTimer(timer);
      }
    }

    void request(HttpServerRequest request) {
      HttpConnection connection = request.connection();
      Long timer = awaitingHeaders.remove(connection);
      if (timer != null) {
        vertx.cancelTimer(timer);
      }
      if (shed.contains(connection)) {
        refuse(request);
      } else {
        handler.handle(request);
      }
    }

    private void refuse(HttpServerRequest request) {
      request.response().putHeader("retry-after", Integer.toString(RETRY_AFTER_SECONDS));
      if (request.version() != HttpVersion.HTTP_2) {
        request.response().putHeader("connection", "close");
      }
      Problem.unavailable("this listener has " + settings.maxConnections() + " connections open; retry later")
          .send(request.response())
          .onComplete(ar -> request.connection().close());
    }
  }
}
