package io.shardgate.gateway.backend;

import java.util.Locale;

/**
 * No node gave an answer: a call failed (refused, timed out, rejected by a full queue, cut off), or
 * failover found no replica to ask. A node that answers, even with a 5xx, is a {@link BackendResponse}.
 */
public final class BackendUnavailable extends RuntimeException {
  /** Why no answer came; a closed set, so each has its counter. */
  public enum Reason {
    /** The connection was refused: the request never reached the node. */
    CONNECT,
    /** No answer within the deadline: a write may have been applied. */
    TIMEOUT,
    /** The pool's wait queue was full: the request was never sent. */
    OVERLOAD,
    /** The connection broke for another reason. */
    CLOSED,
    /** Reads: no replica of the slot is live in this view. */
    NO_LIVE_REPLICA,
    /** Writes: no shard node has joined yet. */
    NO_MEMBERS,
    /** Writes: every replica refused safely for every round; nothing was applied. */
    NO_PRIMARY;

    private final String tag = name().toLowerCase(Locale.ROOT);

    /** The metric label: {@code connect}, {@code no_live_replica}, ... */
    public String tag() {
      return tag;
    }

    /** Why a call to a node got no answer: timeout, overload (its pool queue is full), connect, or closed. */
    public static Reason of(Throwable e) {
      if (e instanceof java.util.concurrent.TimeoutException || e instanceof io.netty.handler.timeout.TimeoutException
          || e instanceof io.vertx.core.http.StreamResetException) {
        return TIMEOUT;
      }
      if (e instanceof io.vertx.core.http.ConnectionPoolTooBusyException) {
        return OVERLOAD;
      }
      if (e instanceof java.net.ConnectException || e.getCause() instanceof java.net.ConnectException) {
        return CONNECT;
      }
      return CLOSED;
    }
  }

  private final Reason reason;

  public BackendUnavailable(Reason reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
