package io.shardgate.cluster.protocol;

import java.util.function.Function;

/**
 * The record-version codec. A version is a non-negative long; nodes send it as
 * {@code X-Record-Version: 7} and as the strong ETag {@code "7"}; clients send it back in
 * {@code If-Match} (one ETag or {@code *}) and {@code If-None-Match} (a list or {@code *}).
 */
public final class RecordVersions {
  private RecordVersions() {}

  /** The strong ETag of a version: {@code "7"}. */
  public static String etag(long version) {
    return "\"" + version + "\"";
  }

  /** The version in a bare decimal header value ({@link Headers#RECORD_VERSION}), or null. */
  public static Long parse(String value) {
    if (value == null) {
      return null;
    }
    String v = value.trim();
    if (v.isEmpty() || v.length() > 19) {
      return null;
    }
    for (int i = 0; i < v.length(); i++) {
      if (v.charAt(i) < '0' || v.charAt(i) > '9') {
        return null;
      }
    }
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      return null; // more than Long.MAX_VALUE
    }
  }

  /** The version in exactly one strong or weak ETag ({@code "7"}, {@code W/"7"}), or null. */
  public static Long parseEtag(String header) {
    if (header == null) {
      return null;
    }
    String v = header.trim();
    if (v.startsWith("W/")) {
      v = v.substring(2);
    }
    if (v.length() < 3 || v.charAt(0) != '"' || v.charAt(v.length() - 1) != '"') {
      return null;
    }
    return parse(v.substring(1, v.length() - 1));
  }

  /** True for the If-Match wildcard {@code *}. */
  public static boolean isWildcard(String header) {
    return header != null && header.trim().equals("*");
  }

  /** If-None-Match semantics: {@code *} or any listed ETag weakly equal to the current one. */
  public static boolean noneMatchHits(String ifNoneMatch, String etag) {
    Long current = parseEtag(etag);
    for (String candidate : ifNoneMatch.split(",")) {
      if (isWildcard(candidate)) {
        return true;
      }
      Long v = parseEtag(candidate);
      if (v != null && v.equals(current)) {
        return true;
      }
    }
    return false;
  }

  /** The version a node answered with: {@link Headers#RECORD_VERSION}, else the strong ETag; or null. */
  public static Long of(Function<String, String> header) {
    Long v = parse(header.apply(Headers.RECORD_VERSION));
    if (v != null) {
      return v;
    }
    String etag = header.apply(Headers.ETAG);
    return etag != null && !etag.trim().startsWith("W/") ? parseEtag(etag) : null;
  }
}
