package io.shardgate.gateway.api;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.ext.web.RoutingContext;

/**
 * Times every request by operation (e.g. {@code expenses.read}) and status class. The operation
 * is set by the route; no label ever carries a key or a raw path.
 */
public final class RequestMetrics {
  public static final String OP = "op";
  private final MeterRegistry meters;

  public RequestMetrics(MeterRegistry meters) {
    this.meters = meters;
  }

  public void handle(RoutingContext ctx) {
    Timer.Sample sample = Timer.start(meters);
    ctx.addEndHandler(v -> {
      String op = ctx.get(OP);
      sample.stop(Timer.builder("shardgate_gateway_requests")
          .tag("op", op == null ? "other" : op)
          .tag("status", Integer.toString(ctx.response().getStatusCode()))
          .register(meters));
    });
    ctx.next();
  }
}
