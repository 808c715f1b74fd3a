package io.shardgate.shardnode.replication;

import io.shardgate.cluster.membership.MemberInfo;
import io.shardgate.shardnode.store.LogSlice;
import io.shardgate.shardnode.store.OplogEntry;
import io.shardgate.shardnode.store.RecordState;
import io.shardgate.shardnode.store.RecordStore;
import io.shardgate.shardnode.store.SlotPosition;
import io.shardgate.shardnode.store.SlotSnapshot;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.net.ConnectException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;

/**
 * The peers of one node without HTTP: each peer's calls reach its store and its view of who is live
 * directly. Pushes wait until the test answers them; log reads can be held back to watch concurrency.
 */
final class FakePeers implements PeerCalls {
  private final String self;
  private final Map<String, RecordStore> stores = new HashMap<>();
  private final Map<String, Peers> views = new HashMap<>();
  /** Peers whose every call fails as a refused connection. */
  final Set<String> down = new HashSet<>();
  final Map<String, List<Promise<Void>>> pushes = new HashMap<>();
  /** "readLog b 3", "present c" ... in call order. */
  final List<String> calls = new ArrayList<>();
  boolean holdReads;
  private final Queue<Runnable> heldReads = new ArrayDeque<>();
  private int readsInFlight;
  int mostReadsInFlight;

  FakePeers(String self) {
    this.self = self;
  }

  FakePeers peer(String id, RecordStore store, Peers view) {
    stores.put(id, store);
    views.put(id, view);
    return this;
  }

  /** Answers the oldest held log read; false when none is held. */
  boolean releaseRead() {
    Runnable next = heldReads.poll();
    if (next != null) {
      next.run();
    }
    return next != null;
  }

  @Override
  public Future<Void> push(MemberInfo peer, OplogEntry entry) {
    Promise<Void> applied = Promise.promise();
    pushes.computeIfAbsent(peer.id(), id -> new ArrayList<>()).add(applied);
    return reach(peer, "push").compose(v -> applied.future());
  }

  @Override
  public Future<LogSlice> readLog(MemberInfo peer, int slot, SlotPosition after, int limit) {
    return reach(peer, "readLog", slot).compose(store -> {
      if (!holdReads) {
        return store.readLog(slot, after, limit);
      }
      Promise<LogSlice> answer = Promise.promise();
      mostReadsInFlight = Math.max(mostReadsInFlight, ++readsInFlight);
      heldReads.add(() -> {
        readsInFlight--;
        store.readLog(slot, after, limit).onComplete(answer);
      });
      return answer.future();
    });
  }

  @Override
  public Future<RecordState> state(MemberInfo peer, int slot, String collection, String key) {
    return reach(peer, "state", slot).compose(store -> store.state(collection, key, slot));
  }

  @Override
  public Future<SlotSnapshot> snapshot(MemberInfo peer, int slot) {
    return reach(peer, "snapshot", slot).compose(store -> store.snapshot(slot));
  }

  @Override
  public Future<Void> handoff(MemberInfo peer, long presentForMs) {
    return present(peer, "handoff", presentForMs);
  }

  @Override
  public Future<Void> present(MemberInfo peer, long presentForMs) {
    return present(peer, "present", presentForMs);
  }

  @Override
  public Future<Map<Integer, SlotPosition>> positions(MemberInfo peer) {
    return reach(peer, "positions").compose(RecordStore::positions);
  }

  private Future<Void> present(MemberInfo peer, String call, long presentForMs) {
    return reach(peer, call).map(store -> {
      views.get(peer.id()).markPresent(self, presentForMs);
      return null;
    });
  }

  private Future<RecordStore> reach(MemberInfo peer, String call, Object... args) {
    StringBuilder line = new StringBuilder(call).append(' ').append(peer.id());
    for (Object a : args) {
      line.append(' ').append(a);
    }
    calls.add(line.toString());
    return down.contains(peer.id()) ? Future.failedFuture(new ConnectException("connection refused: " + peer.id()))
        : Future.succeededFuture(stores.get(peer.id()));
  }
}
