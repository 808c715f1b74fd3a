package io.shardgate.gateway.backend;

/** What failover records: each request moved on to the next replica, by operation and reason. */
public interface FailoverStats {
  FailoverStats NONE = (op, reason) -> { };

  void movedOn(Failover.Op op, Failover.MoveReason reason);
}
