package io.shardgate.gateway.backend;

/** A backend call that did not produce a response: refused, timed out, or rejected by a full queue. */
public final class BackendUnavailable extends RuntimeException {
  private final String reason;

  public BackendUnavailable(String reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  /** Metric-friendly reason: connect, timeout, overload, closed. */
  public String reason() {
    return reason;
  }
}
