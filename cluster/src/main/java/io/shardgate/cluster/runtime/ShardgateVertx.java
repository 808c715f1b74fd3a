package io.shardgate.cluster.runtime;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.util.EnumSet;
import java.util.concurrent.TimeUnit;

/**
 * Builds the process's Vert.x instance with Micrometer metrics (Prometheus) and the blocked-thread
 * threshold. The threshold comes from the system property {@code shardgate.blockedThreadMs}; the test
 * suites set it low (200 ms) so that any blocking on an event loop shows up in the logs they check.
 */
public final class ShardgateVertx {
  public static final String BLOCKED_THREAD_PROPERTY = "shardgate.blockedThreadMs";

  private final Vertx vertx;
  private final PrometheusMeterRegistry registry;

  private ShardgateVertx(Vertx vertx, PrometheusMeterRegistry registry) {
    this.vertx = vertx;
    this.registry = registry;
  }

  public static ShardgateVertx create() {
    long blockedMs = Long.getLong(BLOCKED_THREAD_PROPERTY, 2000L);
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    // Route templates only: a raw path would carry record keys into labels. No REMOTE label either:
    // on server metrics it is the client's ephemeral address, a new series per connection.
    MicrometerMetricsOptions metrics = new MicrometerMetricsOptions()
        .setEnabled(true)
        .setJvmMetricsEnabled(true)
        .setLabels(EnumSet.of(Label.HTTP_ROUTE, Label.HTTP_METHOD, Label.HTTP_CODE, Label.POOL_TYPE, Label.POOL_NAME,
            Label.NAMESPACE));
    VertxOptions options = new VertxOptions()
        .setMetricsOptions(metrics)
        .setMaxEventLoopExecuteTime(blockedMs)
        .setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS)
        .setBlockedThreadCheckInterval(Math.max(50, Math.min(blockedMs / 2, 1000)))
        .setBlockedThreadCheckIntervalUnit(TimeUnit.MILLISECONDS)
        // Print where the loop was stuck as soon as it is reported, not only after the default 5 s.
        .setWarningExceptionTime(blockedMs)
        .setWarningExceptionTimeUnit(TimeUnit.MILLISECONDS);
    Vertx vertx = Vertx.builder().with(options).withMetrics(new MicrometerMetricsFactory(registry)).build();
    return new ShardgateVertx(vertx, registry);
  }

  /**
   * Binds and closes one throwaway listener on loopback before the roles deploy. Vert.x binds servers
   * under one process-wide lock, and the first bind of a cold JVM loads the transport's classes while
   * holding it: when several verticles listen at once (dev mode runs seven), the other event loops wait
   * behind that class loading long enough to trip the blocked-thread check. After this, binds are quick.
   */
  public Future<Void> warmUp() {
    return vertx.createHttpServer().requestHandler(request -> request.response().setStatusCode(503).end())
        .listen(0, "127.0.0.1").compose(HttpServer::close);
  }

  public Vertx vertx() {
    return vertx;
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** Event loops in this process: the gateway deploys one verticle instance per loop. */
  public static int eventLoops() {
    return VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE;
  }
}
