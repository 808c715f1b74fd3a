package io.shardgate.gateway.http;

import io.shardgate.cluster.protocol.Headers;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.ThreadLocalRandom;

/** Keeps a sane client X-Request-Id or makes one, and echoes it on the response. */
public final class RequestIds {
  public static final String KEY = "requestId";
  /** A client's id longer than this is replaced: it is logged and sent on to every node. */
  private static final int MAX_LENGTH = 128;

  private RequestIds() {}

  public static void handle(RoutingContext ctx) {
    String id = ctx.request().getHeader(Headers.REQUEST_ID);
    if (!sane(id)) {
      ThreadLocalRandom r = ThreadLocalRandom.current();
      id = Long.toHexString(r.nextLong() | Long.MIN_VALUE) + Long.toHexString(r.nextLong() | Long.MIN_VALUE);
    }
    ctx.put(KEY, id);
    ctx.response().putHeader(Headers.REQUEST_ID, id);
    ctx.next();
  }

  /** 1 to 128 characters of A-Z a-z 0-9 . _ : - (checked on every request, so without a regex). */
  static boolean sane(String id) {
    if (id == null || id.isEmpty() || id.length() > MAX_LENGTH) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_'
          || c == ':' || c == '-';
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
