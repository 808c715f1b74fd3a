package io.shardgate.shardnode.replication;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * The waits of catch-up (retrying a silent peer, renewing presence), so a test fires them by moving
 * its clock instead of sleeping. In a node they are Vert.x timers on the caller's context.
 */
public interface Timers {
  /** Completes after delayMs. */
  Future<Void> after(long delayMs);

  /** Runs tick every periodMs until the returned action is run. */
  Runnable every(long periodMs, Runnable tick);

  static Timers of(Vertx vertx) {
    return new Timers() {
      @Override
      public Future<Void> after(long delayMs) {
        return vertx.timer(delayMs).mapEmpty();
      }

      @Override
      public Runnable every(long periodMs, Runnable tick) {
        long id = vertx.setPeriodic(periodMs, t -> tick.run());
        return () -> vertx.cancelTimer(id);
      }
    };
  }
}
