package io.shardgate.gateway.cache;

/** A call to a cache node that gave no usable answer; the request goes on without the cache. */
final class CacheUnavailable extends RuntimeException {
  private final String reason;

  CacheUnavailable(String reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  /** Metric-friendly: timeout, connect, overload, closed, status, bad_response. */
  String reason() {
    return reason;
  }
}
