package io.shardgate.cluster.time;

/**
 * Milliseconds on a monotonic clock: the one time source of every lease, ttl, backoff and deadline
 * computation, injected so that tests move time instead of waiting for it (as Caffeine's Ticker).
 * Only differences between two readings mean anything.
 */
@FunctionalInterface
public interface Clock {
  long millis();

  /** The JVM's monotonic clock ({@link System#nanoTime()}), in milliseconds. */
  static Clock monotonic() {
    return () -> System.nanoTime() / 1_000_000;
  }
}
