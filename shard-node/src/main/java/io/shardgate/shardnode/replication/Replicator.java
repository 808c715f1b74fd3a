package io.shardgate.shardnode.replication;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.shardgate.cluster.ids.IdAllocator;
import io.shardgate.cluster.membership.MemberInfo;
import io.shardgate.cluster.protocol.Refusal;
import io.shardgate.shardnode.store.Change;
import io.shardgate.shardnode.store.StoreException;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.LongFunction;

/**
 * The write path of an acting primary (DESIGN §4): one write per slot at a time; refuse unless this
 * node holds its lease and every replica ahead of it is down; apply locally with the oplog entry under
 * this node's epoch for the slot; push the entry to every other live replica; acknowledge only when all
 * applied it and the lease is still held.
 */
public final class Replicator {
  static final String EPOCH_COUNTER = "__epoch";

  /** Why a write was refused or left unacknowledged, as counted; several may share one {@link Refusal}. */
  private enum Outcome {
    NOT_SERVING(Refusal.NOT_SERVING), NOT_PRIMARY(Refusal.NOT_PRIMARY), REPLICA_FAILED(Refusal.UNACKNOWLEDGED),
    LEASE_LAPSED(Refusal.UNACKNOWLEDGED);

    final Refusal refusal;

    Outcome(Refusal refusal) {
      this.refusal = refusal;
    }
  }

  private final Peers peers;
  private final SlotLocks locks;
  private final PeerCalls client;
  private final IdAllocator epochs;
  private final BooleanSupplier serving;
  private final BooleanSupplier leaseHeld;
  private final Map<Outcome, Counter> refusals = new EnumMap<>(Outcome.class);
  private final String node;
  /** Epochs this node took for slots during its current serving period; cleared when it stops serving. */
  private final Map<Integer, Long> slotEpochs = new HashMap<>();

  /**
   * @param serving whether the node takes new writes (caught up, holding its lease, not leaving)
   * @param leaseHeld whether its lease is still held: checked again before acknowledging
   */
  public Replicator(Peers peers, SlotLocks locks, PeerCalls client, IdAllocator epochs, BooleanSupplier serving,
      BooleanSupplier leaseHeld, MeterRegistry meters) {
    this.peers = peers;
    this.locks = locks;
    this.client = client;
    this.epochs = epochs;
    this.serving = serving;
    this.leaseHeld = leaseHeld;
    this.node = peers.self();
    for (Outcome o : Outcome.values()) {
      refusals.put(o, Counter.builder("shardgate.writes.refused").tag("node", node)
          .tag("reason", o.name().toLowerCase(Locale.ROOT))
          .description("Client writes this node refused or could not acknowledge").register(meters));
    }
  }

  /** Forget this node's epochs: the next write of each slot takes a new one (after a lapse or a restart). */
  public void newServingPeriod() {
    slotEpochs.clear();
  }

  public Future<Change> write(int slot, LongFunction<Future<Change>> action) {
    return locks.run(slot, () -> {
      if (!serving.getAsBoolean()) {
        return refused(Outcome.NOT_SERVING, node + " is not serving writes now");
      }
      Ownership ownership = peers.ownership(slot);
      if (ownership.kind() != Ownership.Kind.PRIMARY) {
        String why = ownership.kind() == Ownership.Kind.NOT_REPLICA ? node + " holds no replica of slot " + slot
            : ownership.blocker() + " is ahead of " + node + " for slot " + slot + " and live";
        return refused(Outcome.NOT_PRIMARY, why);
      }
      return applyLocally(slot, action, true).compose(change -> replicate(change, ownership.targets()));
    });
  }

  private Future<Change> applyLocally(int slot, LongFunction<Future<Change>> action, boolean retryOnStale) {
    return epochFor(slot, 0).compose(epoch -> action.apply(epoch)).recover(e -> {
      if (e instanceof StoreException.StaleEpoch stale && retryOnStale) {
        // Another primary wrote this slot since this node took its epoch: take one above it.
        slotEpochs.remove(slot);
        return epochFor(slot, stale.current()).compose(epoch -> action.apply(epoch));
      }
      return Future.failedFuture(e);
    });
  }

  private Future<Long> epochFor(int slot, long floor) {
    Long epoch = slotEpochs.get(slot);
    if (epoch != null && epoch > floor) {
      return Future.succeededFuture(epoch);
    }
    return epochs.nextAbove(EPOCH_COUNTER, floor).onSuccess(e -> slotEpochs.put(slot, e));
  }

  private Future<Change> replicate(Change change, List<String> targets) {
    List<Future<Void>> pushes = new ArrayList<>();
    for (String target : targets) {
      MemberInfo peer = peers.member(target);
      if (peer != null) {
        pushes.add(client.push(peer, change.entry()));
      }
    }
    return Future.all(pushes).transform(ar -> {
      if (ar.failed()) {
        return refused(Outcome.REPLICA_FAILED, "the write was not confirmed by every replica: " + ar.cause().getMessage());
      }
      if (!leaseHeld.getAsBoolean()) {
        // The lease lapsed while the write was in flight: another node may be primary now.
        return refused(Outcome.LEASE_LAPSED, node + " lost its lease during the write");
      }
      return Future.succeededFuture(change);
    });
  }

  private <T> Future<T> refused(Outcome outcome, String why) {
    refusals.get(outcome).increment();
    return Future.failedFuture(new WriteRefused(outcome.refusal, why));
  }
}
