package io.shardgate.gateway.frontend.rest;

import io.shardgate.cluster.http.Problem;
import io.shardgate.cluster.protocol.RecordVersions;
import io.shardgate.gateway.http.ProblemException;
import io.shardgate.gateway.records.IfMatch;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.Locale;

/** Reads the parts of a REST request the record service needs; each throws a {@link ProblemException} on bad input. */
final class RestRequests {
  /** A JSON parser's message is cut to this many characters in the problem detail. */
  private static final int MAX_PARSER_MESSAGE = 200;

  private RestRequests() {}

  /** Only JSON bodies: application/json or any application/*+json. */
  static void requireJson(String contentType) {
    String mime = contentType == null ? "" : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    if (!mime.equals("application/json") && !(mime.startsWith("application/") && mime.endsWith("+json"))) {
      throw new ProblemException(Problem.forStatus(415, "send the body as application/json (got "
          + (contentType == null ? "no content type" : contentType) + ")"));
    }
  }

  static JsonObject jsonObject(Buffer buffer) {
    if (buffer == null || buffer.length() == 0) {
      throw new ProblemException(Problem.badRequest("the body is empty; send a JSON object"));
    }
    Object parsed;
    try {
      parsed = JsonBodies.decode(buffer);
    } catch (DecodeException e) {
      throw new ProblemException(Problem.of(400, "malformed-json", "Malformed JSON", "the body is not acceptable JSON: "
          + shorten(e.getMessage())));
    }
    if (!(parsed instanceof JsonObject object)) {
      throw new ProblemException(Problem.badRequest("the body must be a JSON object, got " + (parsed == null ? "null"
          : "a " + parsed.getClass().getSimpleName().replace("Json", "").toLowerCase(Locale.ROOT))));
    }
    return object;
  }

  /** If-Match as the record service takes it: absent, {@code *}, or exactly one ETag as GET returns it. */
  static IfMatch ifMatch(String header) {
    if (header == null) {
      return IfMatch.NONE;
    }
    if (RecordVersions.isWildcard(header)) {
      return IfMatch.ANY;
    }
    Long version = RecordVersions.parseEtag(header);
    if (version == null) {
      throw new ProblemException(Problem.of(400, "bad-precondition", "Bad precondition",
          "If-Match must be * or one ETag as returned by GET, e.g. \"3\"; got " + header));
    }
    return IfMatch.version(version);
  }

  private static String shorten(String message) {
    if (message == null) {
      return "";
    }
    String firstLine = message.split("\n", 2)[0];
    return firstLine.length() > MAX_PARSER_MESSAGE ? firstLine.substring(0, MAX_PARSER_MESSAGE) + "…" : firstLine;
  }
}
