package io.shardgate.cluster.http;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.util.function.Supplier;

/** The endpoints every process serves: liveness, readiness (with reasons) and Prometheus metrics. */
public final class OpsRoutes {
  private OpsRoutes() {}

  /** Health and metrics: open to anyone who reaches the port, also on authenticated internal listeners. */
  public static boolean isOpen(String path) {
    return path.equals("/metrics") || path.startsWith("/health/");
  }

  /**
   * @param readiness returns null when ready, else why not (shown in the 503 body)
   */
  public static void mount(Router router, String nodeId, PrometheusMeterRegistry registry, Supplier<String> readiness) {
    router.get("/health/live").handler(ctx -> ctx.json(new JsonObject().put("status", "UP").put("node", nodeId)));
    router.get("/health/ready").handler(ctx -> {
      String notReady = readiness.get();
      if (notReady == null) {
        ctx.json(new JsonObject().put("status", "UP").put("node", nodeId));
      } else {
        ctx.response().setStatusCode(503).putHeader("content-type", "application/json")
            .end(new JsonObject().put("status", "DOWN").put("node", nodeId).put("reason", notReady).toBuffer());
      }
    });
    router.get("/metrics").handler(ctx -> ctx.response()
        .putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8")
        .end(registry.scrape()));
  }
}
