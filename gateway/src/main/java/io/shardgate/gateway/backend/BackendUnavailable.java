package io.shardgate.gateway.backend;

/** A backend call that did not produce a response: refused, timed out, or rejected by a full queue. */
public final class BackendUnavailable extends RuntimeException {
  private final String reason;

  public BackendUnavailable(String reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  /** Why a call to a node got no answer: timeout, overload (its pool queue is full), connect, or closed. */
  public static String reasonOf(Throwable e) {
    if (e instanceof java.util.concurrent.TimeoutException || e instanceof io.netty.handler.timeout.TimeoutException
        || e instanceof io.vertx.core.http.StreamResetException) {
      return "timeout";
    }
    if (e instanceof io.vertx.core.http.ConnectionPoolTooBusyException) {
      return "overload";
    }
    if (e instanceof java.net.ConnectException || e.getCause() instanceof java.net.ConnectException) {
      return "connect";
    }
    return "closed";
  }

  /** Metric-friendly reason: connect, timeout, overload, closed. */
  public String reason() {
    return reason;
  }
}
