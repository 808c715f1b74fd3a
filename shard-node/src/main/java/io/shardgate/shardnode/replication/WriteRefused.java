package io.shardgate.shardnode.replication;

import io.shardgate.cluster.protocol.Refusal;

/**
 * A client request this node did not take, or took without being able to acknowledge it: the
 * {@link Refusal} says which, with its status and whether another replica may be asked.
 */
public final class WriteRefused extends RuntimeException {
  private final Refusal refusal;

  public WriteRefused(Refusal refusal, String message) {
    super(message, null, false, false);
    this.refusal = refusal;
  }

  public Refusal refusal() {
    return refusal;
  }
}
