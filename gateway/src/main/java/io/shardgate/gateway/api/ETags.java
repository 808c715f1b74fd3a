package io.shardgate.gateway.api;

/** Strong ETags carry the record version: {@code "7"}. */
final class ETags {
  private ETags() {}

  /** The version in a single strong or weak ETag, or null when the header is not exactly one ETag. */
  static Long parseSingle(String header) {
    String v = header.trim();
    if (v.startsWith("W/")) {
      v = v.substring(2);
    }
    if (v.length() < 3 || v.length() > 21 || v.charAt(0) != '"' || v.charAt(v.length() - 1) != '"') {
      return null;
    }
    try {
      long version = Long.parseLong(v.substring(1, v.length() - 1));
      return version >= 0 ? version : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** If-None-Match semantics: * or any listed ETag equal (weakly) to the current one. */
  static boolean matches(String ifNoneMatch, String etag) {
    Long current = parseSingle(etag);
    for (String candidate : ifNoneMatch.split(",")) {
      if (candidate.trim().equals("*")) {
        return true;
      }
      Long v = parseSingle(candidate);
      if (v != null && v.equals(current)) {
        return true;
      }
    }
    return false;
  }
}
