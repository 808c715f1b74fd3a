package io.shardgate.cluster.membership;

import io.shardgate.cluster.membership.impl.InProcessRegistry;
import io.shardgate.cluster.membership.impl.RedisRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.shardgate.cluster.time.Clock;

/**
 * The membership registry (Redis in cluster mode, in-process in dev mode). Members are explicit and
 * stay until removed; liveness is a lease with a TTL that each node keeps refreshing.
 */
public interface Registry {

  /**
   * The cluster-mode registry: a pooled Redis client for commands plus one dedicated connection for the
   * change channel, re-subscribed with {@link RedisRegistryOptions#backoff()} whenever it is lost.
   */
  static Registry redis(Vertx vertx, RedisRegistryOptions options) {
    return new RedisRegistry(vertx, options, options.backoff());
  }

  /** The dev-mode registry, in memory; leases expire by the JVM's monotonic clock. */
  static Registry inProcess() {
    return new InProcessRegistry(Clock.monotonic());
  }

  /** The dev-mode registry with leases measured by {@code clockMillis}, so tests can move time. */
  static Registry inProcess(Clock clockMillis) {
    return new InProcessRegistry(clockMillis);
  }

  /** Adds or updates a member (idempotent) and announces the change. */
  Future<Void> join(MemberInfo member);

  /** Removes a member (operator action) and announces the change. */
  Future<Void> remove(String memberId);

  /**
   * Completes with true when the lease was already held (a refresh), false when it was taken anew:
   * absent before, e.g. because the registry restarted and lost it.
   */
  Future<Boolean> renewLease(String memberId, long ttlMillis);

  /** Gives the lease up now (graceful leave) and announces the change. */
  Future<Void> releaseLease(String memberId);

  /** Reads the current members and live leases. */
  Future<MembershipView> fetch();

  /**
   * Calls {@code onChange} whenever a change is announced, and after every (re)connection of the change
   * channel, since announcements sent while disconnected are lost. Returns when subscribed.
   */
  Future<Void> subscribe(Runnable onChange);

  Future<Void> close();
}
