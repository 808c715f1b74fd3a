package io.shardgate.cluster.membership;

/**
 * Delay before a reconnection attempt. A pure function of the attempt number, so tests can check the
 * sequence without waiting for it.
 */
@FunctionalInterface
public interface Backoff {

  /** Milliseconds to wait before attempt {@code attempt} (1 for the first retry after a loss). */
  long delayMillis(int attempt);

  /** {@code initialMillis}, doubling on every attempt, never more than {@code maxMillis}. */
  static Backoff exponential(long initialMillis, long maxMillis) {
    if (initialMillis <= 0) {
      throw new IllegalArgumentException("backoff initial delay must be positive, got " + initialMillis + " ms");
    }
    if (maxMillis < initialMillis) {
      throw new IllegalArgumentException("backoff max delay (" + maxMillis + " ms) must not be below the initial delay ("
          + initialMillis + " ms)");
    }
    return attempt -> {
      if (attempt < 1) {
        throw new IllegalArgumentException("attempt numbers start at 1, got " + attempt);
      }
      // Doubling in floating point cannot overflow; the cap keeps the result in range.
      return (long) Math.min(maxMillis, initialMillis * Math.pow(2, attempt - 1));
    };
  }
}
