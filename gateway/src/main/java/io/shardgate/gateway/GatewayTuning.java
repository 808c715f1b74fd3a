package io.shardgate.gateway;

/**
 * Tuning numbers of the gateway that are not settings yet, in one place; the wiring hands them to the
 * components. Candidates for {@code Settings.Gateway} (names suggested in each comment).
 */
final class GatewayTuning {
  private GatewayTuning() {}

  /**
   * Allocated keys a create tries before answering 409: an allocated id may collide with one a client
   * chose (gateway.idAttempts).
   */
  static final int ID_ATTEMPTS = 32;

  /** A pooled connection to a shard node idle this long is closed (gateway.backend.idleTimeoutSeconds). */
  static final int NODE_IDLE_TIMEOUT_SECONDS = 60;

  /** The longest request line the gateway reads; longer ones get 414 (gateway.maxRequestLineBytes). */
  static final int MAX_REQUEST_LINE_BYTES = 4096;
}
