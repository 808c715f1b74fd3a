package io.shardgate.gateway.http;

import io.shardgate.cluster.protocol.Headers;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/** Keeps a sane client X-Request-Id or makes one, and echoes it on the response. */
public final class RequestIds {
  public static final String KEY = "requestId";
  private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  private RequestIds() {}

  public static void handle(RoutingContext ctx) {
    String id = ctx.request().getHeader("x-request-id");
    if (id == null || !SANE.matcher(id).matches()) {
      ThreadLocalRandom r = ThreadLocalRandom.current();
      id = Long.toHexString(r.nextLong() | Long.MIN_VALUE) + Long.toHexString(r.nextLong() | Long.MIN_VALUE);
    }
    ctx.put(KEY, id);
    ctx.response().putHeader(Headers.REQUEST_ID, id);
    ctx.next();
  }
}
