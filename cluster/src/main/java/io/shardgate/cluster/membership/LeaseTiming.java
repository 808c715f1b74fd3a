package io.shardgate.cluster.membership;

/**
 * How often a lease is renewed and for how long each renewal holds it. A renewal period well below the
 * ttl (the default is a third) lets a node miss a renewal or two without losing its lease.
 */
public record LeaseTiming(long renewMillis, long ttlMillis) {
  public static final LeaseTiming DEFAULT = new LeaseTiming(1_000, 3_000);

  public LeaseTiming {
    if (renewMillis <= 0) {
      throw new IllegalArgumentException("lease renewMs must be positive, got " + renewMillis);
    }
    if (ttlMillis <= renewMillis) {
      throw new IllegalArgumentException("lease ttlMs (" + ttlMillis + ") must be greater than renewMs (" + renewMillis
          + "), or the lease lapses between renewals");
    }
  }
}
