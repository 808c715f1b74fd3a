package io.shardgate.gateway.http;

import io.shardgate.cluster.http.Problem;
import io.shardgate.cluster.protocol.Headers;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns every framework-level error (no route, wrong method, body too large, bad request line) into problem+json. */
public final class ErrorPages {
  private static final Logger LOG = LoggerFactory.getLogger(ErrorPages.class);

  private ErrorPages() {}

  public static void install(Router router) {
    router.errorHandler(404, ctx -> send(ctx, 404, "no resource at " + safePath(ctx)));
    router.errorHandler(405, ctx -> send(ctx, 405, ctx.request().method() + " is not allowed on " + safePath(ctx)));
    router.errorHandler(413, ctx -> send(ctx, 413, "the body is larger than this gateway accepts"));
    router.errorHandler(415, ctx -> send(ctx, 415, "send the body as application/json"));
    router.errorHandler(400, ctx -> send(ctx, 400, "the request could not be read"));
    router.errorHandler(503, ctx -> {
      ctx.response().putHeader(Headers.RETRY_AFTER, "1");
      send(ctx, 503, "the request did not complete in time");
    });
    router.errorHandler(500, ErrorPages::internal);
  }

  /** For requests Netty could not even decode (header or request line too long, garbage). */
  public static void invalidRequest(HttpServerRequest request) {
    var failure = request.decoderResult().cause();
    int status = 400;
    String detail = "the request could not be parsed";
    if (failure instanceof io.netty.handler.codec.TooLongFrameException) {
      String msg = String.valueOf(failure.getMessage());
      if (msg.contains("header")) {
        status = 431;
        detail = "the request headers are larger than this gateway accepts";
      } else {
        status = 414;
        detail = "the request line is longer than this gateway accepts";
      }
    }
    request.response().setStatusCode(status).putHeader(Headers.CONTENT_TYPE, Problem.CONTENT_TYPE).putHeader("connection", "close")
        .end(Problem.forStatus(status, detail).toJson().toBuffer());
  }

  private static void internal(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (failure instanceof ProblemException pe) {
      pe.problem().send(ctx.response());
      return;
    }
    LOG.error("unexpected failure on {} {}", ctx.request().method(), ctx.currentRoute() == null ? "?" : ctx.currentRoute().getPath(), failure);
    send(ctx, 500, "unexpected error; see the gateway log with this request's X-Request-Id");
  }

  private static void send(RoutingContext ctx, int status, String detail) {
    Problem.forStatus(status, detail).send(ctx.response());
  }

  private static String safePath(RoutingContext ctx) {
    String path = ctx.request().path();
    if (path == null) {
      return "this path";
    }
    return path.length() > 100 ? path.substring(0, 100) + "…" : path;
  }
}
