package io.shardgate.gateway.cache;

import io.shardgate.gateway.backend.BackendResponse;

/** Record versions as shard and cache nodes send them: {@code X-Record-Version: 7}, {@code ETag: "7"}. */
final class Versions {
  private Versions() {}

  /** The version in a bare decimal header value, or null. */
  static Long parse(String value) {
    if (value == null || value.isBlank() || value.trim().length() > 19) {
      return null;
    }
    try {
      long v = Long.parseLong(value.trim());
      return v >= 0 ? v : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** The version of the record a shard node answered with: X-Record-Version, else the strong ETag. */
  static Long of(BackendResponse response) {
    Long v = parse(response.header("x-record-version"));
    if (v != null) {
      return v;
    }
    String etag = response.header("etag");
    if (etag != null && etag.length() >= 3 && etag.startsWith("\"") && etag.endsWith("\"")) {
      return parse(etag.substring(1, etag.length() - 1));
    }
    return null;
  }
}
