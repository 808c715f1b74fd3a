package io.shardgate.cluster.protocol;

/**
 * Every way a shard node refuses a client write or read, with its status and whether the caller may
 * send the same request to another replica. A refusal that is safe to retry applied nothing; one that
 * is not may have applied the write, so the client must be told the outcome is unknown.
 *
 * <p>On the wire: the status below plus {@link Headers#REFUSAL}{@code : <code>}.
 */
public enum Refusal {
  /** Another replica ahead of this one is live, or this node does not hold the slot: re-route. */
  NOT_PRIMARY(421, "not-primary", true),
  /** No lease, catching up or leaving: nothing was applied, another replica may serve. */
  NOT_SERVING(503, "not-serving", true),
  /** Applied here, but a replica did not confirm it: the outcome is unknown and catch-up repairs it. */
  UNACKNOWLEDGED(503, "unacknowledged", false);

  private final int status;
  private final String code;
  private final boolean safeToRetry;

  Refusal(int status, String code, boolean safeToRetry) {
    this.status = status;
    this.code = code;
    this.safeToRetry = safeToRetry;
  }

  public int status() {
    return status;
  }

  /** The value of {@link Headers#REFUSAL}, also the problem type. */
  public String code() {
    return code;
  }

  /** True when nothing was applied, so another replica may be asked. */
  public boolean safeToRetry() {
    return safeToRetry;
  }

  /** The metric-friendly reason: {@code not_primary}, {@code not_serving}, {@code unacknowledged}. */
  public String reason() {
    return code.replace('-', '_');
  }

  /** The refusal named by a {@link Headers#REFUSAL} value, or null when absent or unknown. */
  public static Refusal parse(String header) {
    if (header != null) {
      for (Refusal r : values()) {
        if (r.code.equalsIgnoreCase(header.trim())) {
          return r;
        }
      }
    }
    return null;
  }
}
