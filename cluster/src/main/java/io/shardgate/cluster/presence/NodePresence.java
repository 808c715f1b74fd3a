package io.shardgate.cluster.presence;

import io.micrometer.core.instrument.MeterRegistry;
import io.shardgate.cluster.config.Settings;
import io.shardgate.cluster.membership.LeaseKeeper;
import io.shardgate.cluster.membership.LeaseTiming;
import io.shardgate.cluster.membership.MemberInfo;
import io.shardgate.cluster.membership.Registry;
import io.shardgate.cluster.membership.Role;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's presence in the cluster: it joins the member set once, then keeps its lease. When the
 * lease lapses (the registry was unreachable for a whole ttl, or the process was paused) the node is
 * fenced: it runs its recovery (a shard node catches up) and only then takes its lease again. A node is
 * ready only while it holds its lease.
 */
public final class NodePresence {
  private static final Logger LOG = LoggerFactory.getLogger(NodePresence.class);

  private final Vertx vertx;
  private final Registry registry;
  private final MemberInfo member;
  private final LeaseKeeper lease;
  private volatile boolean stopped;
  private volatile Supplier<Future<Void>> recovery = Future::succeededFuture;
  private volatile Runnable onLapse = () -> { };
  private volatile Runnable onRetaken = () -> { };

  public NodePresence(Vertx vertx, Registry registry, Settings.Node self, Role role, Settings.Lease timing,
      MeterRegistry meters) {
    this.vertx = vertx;
    this.registry = registry;
    this.member = new MemberInfo(self.id(), role, self.host(), self.port(), self.weight());
    this.lease = new LeaseKeeper(vertx, registry, self.id(), new LeaseTiming(timing.renewMs(), timing.ttlMs()), meters);
    lease.onLapse(this::retake);
  }

  /**
   * What to run after a lapse before taking the lease again (retried until it succeeds), what to do
   * at the lapse itself, and once the lease is held again.
   */
  public NodePresence recovery(Supplier<Future<Void>> recovery, Runnable onLapse, Runnable onRetaken) {
    this.recovery = recovery;
    this.onLapse = onLapse;
    this.onRetaken = onRetaken;
    return this;
  }

  /** Joins and takes the lease; completes when the lease is held (retrying while the registry is down). */
  public Future<Void> start() {
    return join().compose(v -> takeLease());
  }

  /** Takes the lease; completes when it is held. */
  public Future<Void> takeLease() {
    return lease.start().onSuccess(v -> LOG.info("{} ({} at {}) holds its lease", member.id(), member.role().wireName(),
        member.address()));
  }

  /** Joins the member set (idempotent), retrying while the registry is unreachable. */
  public Future<Void> join() {
    return registry.join(member).recover(e -> {
      if (stopped) {
        return Future.failedFuture(e);
      }
      LOG.warn("{} could not join the registry ({}); retrying", member.id(), e.toString());
      return vertx.timer(500).compose(t -> join());
    });
  }

  private void retake() {
    if (stopped) {
      return;
    }
    LOG.warn("{} lost its lease: fenced until it has recovered and taken its lease again", member.id());
    onLapse.run();
    // Join again first: a registry that restarted empty has forgotten the member set too.
    join().compose(v -> recoverUntilDone()).compose(v -> stopped ? Future.succeededFuture() : takeLease())
        .onComplete(ar -> onRetaken.run());
  }

  private Future<Void> recoverUntilDone() {
    return recovery.get().recover(e -> {
      if (stopped) {
        return Future.failedFuture(e);
      }
      return vertx.timer(500).compose(t -> recoverUntilDone());
    });
  }

  /** Null when ready, else why not. */
  public String notReadyReason() {
    if (stopped) {
      return "stopping";
    }
    return lease.isHeld() ? null : "no lease held in the registry";
  }

  public boolean holdsLease() {
    return lease.isHeld();
  }

  /** Gives the lease up first, so gateways stop routing here before the node goes away. */
  public Future<Void> stop() {
    stopped = true;
    return lease.stop().recover(e -> {
      LOG.warn("{} could not release its lease: {}", member.id(), e.toString());
      return Future.succeededFuture();
    });
  }
}
