package io.shardgate.shardnode.replication;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Runs the operations of one slot one after another (writes as primary, applies as replica, syncs),
 * so that a slot's oplog is produced and consumed in order. Confined to the node's event loop: not
 * thread-safe, never blocks. Not reentrant: an operation must not run another on the same slot.
 */
public final class SlotLocks {
  private final Map<Integer, Future<Void>> tails = new HashMap<>();

  public <T> Future<T> run(int slot, Supplier<Future<T>> operation) {
    Future<Void> previous = tails.getOrDefault(slot, Future.succeededFuture());
    Promise<T> result = Promise.promise();
    Future<Void> done = previous.transform(ignored -> {
      Future<T> f;
      try {
        f = operation.get();
      } catch (RuntimeException e) {
        f = Future.failedFuture(e);
      }
      f.onComplete(result);
      return f.transform(x -> Future.<Void>succeededFuture());
    });
    tails.put(slot, done);
    done.onComplete(x -> tails.remove(slot, done));
    return result.future();
  }

  /** Completes when every operation queued so far, on every slot, has finished. */
  public Future<Void> drain() {
    List<Future<Void>> pending = new ArrayList<>(tails.values());
    return Future.join(pending).transform(x -> Future.succeededFuture());
  }
}
