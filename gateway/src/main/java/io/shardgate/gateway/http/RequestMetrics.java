package io.shardgate.gateway.http;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Times every request by operation (e.g. {@code expenses.read}) and status class. The operation
 * is set by the route; no label ever carries a key or a raw path. The timers are looked up once per
 * (operation, status) and kept: registering a meter per request (building its id, sorting its tags,
 * asking the registry) showed up in the gateway's profile.
 */
public final class RequestMetrics {
  public static final String OP = "op";
  private static final int STATUSES = 600;
  private final MeterRegistry meters;
  private final Map<String, AtomicReferenceArray<Timer>> timers = new ConcurrentHashMap<>();

  public RequestMetrics(MeterRegistry meters) {
    this.meters = meters;
  }

  public void handle(RoutingContext ctx) {
    Timer.Sample sample = Timer.start(meters);
    ctx.addEndHandler(v -> {
      String op = ctx.get(OP);
      sample.stop(timer(op == null ? "other" : op, ctx.response().getStatusCode()));
    });
    ctx.next();
  }

  /** The timer of one operation and status; the same instance every time. */
  Timer timer(String op, int status) {
    if (status < 0 || status >= STATUSES) {
      return register(op, status); // not an HTTP status: not worth a slot
    }
    AtomicReferenceArray<Timer> byStatus = timers.computeIfAbsent(op, o -> new AtomicReferenceArray<>(STATUSES));
    Timer timer = byStatus.get(status);
    if (timer == null) {
      // register() returns the existing meter for an equal id, so a race here only repeats a lookup
      timer = register(op, status);
      byStatus.set(status, timer);
    }
    return timer;
  }

  private Timer register(String op, int status) {
    return Timer.builder("shardgate.gateway.requests").tag("op", op).tag("status", Integer.toString(status)).register(meters);
  }
}
