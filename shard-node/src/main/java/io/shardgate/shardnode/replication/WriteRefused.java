package io.shardgate.shardnode.replication;

/**
 * A client write this node did not take: {@code NOT_PRIMARY} (another replica is ahead and live, or
 * this node does not hold the slot: the gateway re-routes, nothing was applied), {@code NOT_SERVING}
 * (no lease, catching up or leaving: nothing was applied) or {@code UNACKNOWLEDGED} (applied here but a
 * replica did not confirm it: the outcome is unknown to the client and repaired by catch-up).
 */
public final class WriteRefused extends RuntimeException {
  public enum Reason { NOT_PRIMARY, NOT_SERVING, UNACKNOWLEDGED }

  private final Reason reason;

  public WriteRefused(Reason reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
