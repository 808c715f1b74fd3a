package io.shardgate.cluster.membership;

import io.vertx.core.Future;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/** A scriptable registry for unit tests of the watcher and the lease keeper. */
final class FakeRegistry implements Registry {
  volatile Supplier<Future<MembershipView>> fetch = () -> Future.succeededFuture(MembershipView.EMPTY);
  volatile Supplier<Future<Void>> renew = Future::succeededFuture;
  /** What a successful renewal reports: true = the lease was already held, false = taken anew. */
  volatile boolean continuous = true;
  final AtomicInteger fetches = new AtomicInteger();
  final AtomicInteger renewals = new AtomicInteger();
  final List<String> released = new CopyOnWriteArrayList<>();
  final List<Runnable> subscribers = new CopyOnWriteArrayList<>();

  /** What the registry would do after an announcement or a re-subscription. */
  void announce() {
    subscribers.forEach(Runnable::run);
  }

  @Override
  public Future<Void> join(MemberInfo member) {
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> remove(String memberId) {
    return Future.succeededFuture();
  }

  @Override
  public Future<Boolean> renewLease(String memberId, long ttlMillis) {
    renewals.incrementAndGet();
    return renew.get().map(v -> continuous);
  }

  @Override
  public Future<Void> releaseLease(String memberId) {
    released.add(memberId);
    return Future.succeededFuture();
  }

  @Override
  public Future<MembershipView> fetch() {
    fetches.incrementAndGet();
    return fetch.get();
  }

  @Override
  public Future<Void> subscribe(Runnable onChange) {
    subscribers.add(onChange);
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }
}
