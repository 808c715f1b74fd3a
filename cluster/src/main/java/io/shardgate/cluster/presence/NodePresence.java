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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's presence in the cluster: it joins the member set once, then keeps its lease. When the
 * lease lapses (the registry was unreachable for a whole ttl) it keeps trying to take it again; a node
 * is ready only while it holds its lease.
 */
public final class NodePresence {
  private static final Logger LOG = LoggerFactory.getLogger(NodePresence.class);

  private final Vertx vertx;
  private final Registry registry;
  private final MemberInfo member;
  private final LeaseKeeper lease;
  private volatile boolean stopped;

  public NodePresence(Vertx vertx, Registry registry, Settings.Node self, Role role, Settings.Lease timing,
      MeterRegistry meters) {
    this.vertx = vertx;
    this.registry = registry;
    this.member = new MemberInfo(self.id(), role, self.host(), self.port(), self.weight());
    this.lease = new LeaseKeeper(vertx, registry, self.id(), new LeaseTiming(timing.renewMs(), timing.ttlMs()), meters);
    lease.onLapse(this::retake);
  }

  /** Joins and takes the lease; completes when the lease is held (retrying while the registry is down). */
  public Future<Void> start() {
    return joinUntilDone().compose(v -> lease.start())
        .onSuccess(v -> LOG.info("{} joined as {} at {} and holds its lease", member.id(), member.role().wireName(),
            member.address()));
  }

  private Future<Void> joinUntilDone() {
    return registry.join(member).recover(e -> {
      if (stopped) {
        return Future.failedFuture(e);
      }
      LOG.warn("{} could not join the registry ({}); retrying", member.id(), e.toString());
      return vertx.timer(500).compose(t -> joinUntilDone());
    });
  }

  private void retake() {
    if (!stopped) {
      LOG.warn("{} lost its lease; taking it again", member.id());
      lease.start().onSuccess(v -> LOG.info("{} holds its lease again", member.id()));
    }
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
