package io.shardgate.cluster.membership.impl;

import io.shardgate.cluster.membership.MemberInfo;
import io.shardgate.cluster.membership.MembershipView;
import io.shardgate.cluster.membership.Registry;
import io.vertx.core.Future;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import io.shardgate.cluster.time.Clock;

/**
 * Dev mode's registry: the same contract as Redis, in memory. One lock guards members and leases, so
 * {@link #fetch()} is a consistent snapshot even while gateways on other event loops write. A lease is
 * an expiry instant on the injected clock; expired leases simply stop counting as live, as a Redis key
 * with a PX ttl would, and (as with Redis) nothing is announced when one expires: watchers notice on
 * their periodic resync.
 */
public final class InProcessRegistry implements Registry {
  private final Clock clockMillis;
  private final Map<String, MemberInfo> members = new HashMap<>();
  private final Map<String, Long> leaseExpiries = new HashMap<>();
  private final List<ChangeListener> listeners = new CopyOnWriteArrayList<>();
  private boolean closed;

  public InProcessRegistry(Clock clockMillis) {
    this.clockMillis = Objects.requireNonNull(clockMillis, "clockMillis");
  }

  @Override
  public Future<Void> join(MemberInfo member) {
    Objects.requireNonNull(member, "member");
    synchronized (this) {
      if (closed) {
        return closedFailure();
      }
      members.put(member.id(), member);
    }
    announce();
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> remove(String memberId) {
    synchronized (this) {
      if (closed) {
        return closedFailure();
      }
      members.remove(memberId);
      leaseExpiries.remove(memberId);
    }
    announce();
    return Future.succeededFuture();
  }

  @Override
  public Future<Boolean> renewLease(String memberId, long ttlMillis) {
    Objects.requireNonNull(memberId, "memberId");
    if (ttlMillis <= 0) {
      return Future.failedFuture(new IllegalArgumentException("lease ttl must be positive, got " + ttlMillis));
    }
    boolean taken;
    synchronized (this) {
      if (closed) {
        return closedFailure();
      }
      long now = clockMillis.millis();
      Long previous = leaseExpiries.put(memberId, now + ttlMillis);
      taken = previous == null || previous <= now;
    }
    if (taken) {
      announce();
    }
    return Future.succeededFuture(!taken);
  }

  @Override
  public Future<Void> releaseLease(String memberId) {
    boolean released;
    synchronized (this) {
      if (closed) {
        return closedFailure();
      }
      Long previous = leaseExpiries.remove(memberId);
      released = previous != null && previous > clockMillis.millis();
    }
    if (released) {
      announce();
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<MembershipView> fetch() {
    MembershipView view;
    synchronized (this) {
      if (closed) {
        return closedFailure();
      }
      long now = clockMillis.millis();
      Set<String> live = new HashSet<>();
      for (String id : members.keySet()) {
        Long expiry = leaseExpiries.get(id);
        if (expiry != null && expiry > now) {
          live.add(id);
        }
      }
      view = new MembershipView(members, live);
    }
    return Future.succeededFuture(view);
  }

  /** Runs {@code onChange} on the caller's Vert.x context after every change. Never disconnects. */
  @Override
  public Future<Void> subscribe(Runnable onChange) {
    synchronized (this) {
      if (closed) {
        return closedFailure();
      }
    }
    listeners.add(ChangeListener.capture(onChange));
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> close() {
    synchronized (this) {
      closed = true;
    }
    listeners.clear();
    return Future.succeededFuture();
  }

  private void announce() {
    for (ChangeListener listener : listeners) {
      listener.fire();
    }
  }

  private static <T> Future<T> closedFailure() {
    return Future.failedFuture(new IllegalStateException("registry is closed"));
  }
}
