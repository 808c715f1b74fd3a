package io.shardgate.cluster.http;

import io.vertx.core.Future;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/**
 * RFC 9457 problem details. {@code type} is a relative URI under /problems/ documented in
 * docs/errors.md; {@code title} is fixed per type and {@code detail} says what was wrong this time.
 */
public record Problem(int status, String type, String title, String detail, String field) {

  public static final String CONTENT_TYPE = "application/problem+json";

  public static Problem of(int status, String type, String title, String detail) {
    return new Problem(status, type, title, detail, null);
  }

  public static Problem invalidField(String field, String detail) {
    return new Problem(400, "validation", "Request body is invalid", detail, field);
  }

  public static Problem badRequest(String detail) {
    return of(400, "bad-request", "Bad request", detail);
  }

  public static Problem notFound(String detail) {
    return of(404, "not-found", "Not found", detail);
  }

  public static Problem unavailable(String detail) {
    return of(503, "unavailable", "Service unavailable", detail);
  }

  /** A generic problem for a bare HTTP status raised by the framework (404 route, 405, 413 ...). */
  public static Problem forStatus(int status, String detail) {
    return switch (status) {
      case 400 -> badRequest(detail);
      case 401 -> of(401, "unauthorized", "Unauthorized", detail);
      case 404 -> notFound(detail);
      case 405 -> of(405, "method-not-allowed", "Method not allowed", detail);
      case 406 -> of(406, "not-acceptable", "Not acceptable", detail);
      case 413 -> of(413, "body-too-large", "Request body too large", detail);
      case 414 -> of(414, "uri-too-long", "Request URI too long", detail);
      case 415 -> of(415, "unsupported-media-type", "Unsupported media type", detail);
      case 431 -> of(431, "headers-too-large", "Request header fields too large", detail);
      case 503 -> unavailable(detail);
      default -> of(status, status >= 500 ? "internal" : "bad-request",
          status >= 500 ? "Internal error" : "Bad request", detail);
    };
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("type", "/problems/" + type).put("title", title).put("status", status)
        .put("detail", detail);
    if (field != null) {
      json.put("field", field);
    }
    return json;
  }

  /** Writes the problem as the response unless a response was already started. */
  public Future<Void> send(HttpServerResponse response) {
    if (response.headWritten() || response.ended()) {
      return Future.succeededFuture();
    }
    return response.setStatusCode(status).putHeader("content-type", CONTENT_TYPE).end(toJson().toBuffer());
  }
}
