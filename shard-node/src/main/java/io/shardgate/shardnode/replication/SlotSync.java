package io.shardgate.shardnode.replication;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.shardgate.cluster.membership.MemberInfo;
import io.shardgate.shardnode.store.OplogEntry;
import io.shardgate.shardnode.store.RecordState;
import io.shardgate.shardnode.store.RecordStore;
import io.shardgate.shardnode.store.SlotPosition;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Brings one slot of this node level with a source replica: applies the source's entries after this
 * node's position; copies the whole slot when the source trimmed them; and first rolls back entries
 * this node holds that the source never had (they were never acknowledged) by taking the source's
 * state of each record they touched. The caller holds the slot's lock.
 */
public final class SlotSync {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SlotSync.class);
  private final RecordStore store;
  private final PeerCalls client;
  private final int batch;
  private final Counter applied;
  private final Counter fullCopies;
  private final Counter repaired;

  public SlotSync(RecordStore store, PeerCalls client, int batch, String node, MeterRegistry meters) {
    this.store = store;
    this.client = client;
    this.batch = batch;
    this.applied = Counter.builder("shardgate.catchup.entries").tag("node", node)
        .description("Oplog entries applied while catching up").register(meters);
    this.fullCopies = Counter.builder("shardgate.catchup.full.copies").tag("node", node)
        .description("Slots copied whole because the source had trimmed its log").register(meters);
    this.repaired = Counter.builder("shardgate.catchup.repaired.records").tag("node", node)
        .description("Records rolled back to the source's state (applied here, never acknowledged)").register(meters);
  }

  /** Completes with the number of entries applied once this node's position equals the source's end. */
  public Future<Long> syncLocked(MemberInfo source, int slot) {
    return round(source, slot, 0, 0);
  }

  private Future<Long> round(MemberInfo source, int slot, long total, int rounds) {
    if (rounds > 100_000) {
      return Future.failedFuture(new IllegalStateException("slot " + slot + " did not converge with " + source.id()));
    }
    return store.position(slot).compose(position -> client.readLog(source, slot, position, batch).compose(slice -> {
      if (slice.trimmed()) {
        fullCopies.increment();
        LOG.info("slot {}: {} no longer has the entries after {}; copying the whole slot", slot, source.id(), position);
        return client.snapshot(source, slot).compose(store::install).compose(v -> round(source, slot, total, rounds + 1));
      }
      if (!slice.common().equals(position)) {
        return agree(source, slot, slice.common(), 0)
            .compose(common -> rollBack(source, slot, common))
            .compose(v -> round(source, slot, total, rounds + 1));
      }
      if (slice.entries().isEmpty()) {
        return Future.succeededFuture(total);
      }
      return applyAll(slice.entries(), 0).compose(v -> {
        applied.increment(slice.entries().size());
        long now = total + slice.entries().size();
        OplogEntry last = slice.entries().get(slice.entries().size() - 1);
        return last.position().equals(slice.end()) ? Future.succeededFuture(now) : round(source, slot, now, rounds + 1);
      });
    }));
  }

  private Future<Void> fetchStates(MemberInfo source, int slot, List<OplogEntry> keys, int from, List<RecordState> out) {
    if (from == keys.size()) {
      return Future.succeededFuture();
    }
    OplogEntry e = keys.get(from);
    return client.state(source, slot, e.collection(), e.key()).compose(state -> {
      out.add(state);
      return fetchStates(source, slot, keys, from + 1, out);
    });
  }

  private Future<Void> applyAll(List<OplogEntry> entries, int from) {
    if (from == entries.size()) {
      return Future.succeededFuture();
    }
    return store.apply(entries.get(from)).compose(v -> applyAll(entries, from + 1));
  }

  /**
   * The latest position both logs hold. The source's answer is the last position of its own log at or
   * below ours, which this node may never have had when the logs split in different epochs: step back
   * on either side until both have it.
   */
  private Future<SlotPosition> agree(MemberInfo source, int slot, SlotPosition candidate, int steps) {
    if (steps > 1000) {
      return Future.failedFuture(new IllegalStateException("slot " + slot + ": no common position with " + source.id()));
    }
    return store.readLog(slot, candidate, 1).compose(mine -> {
      if (mine.common().equals(candidate)) {
        return Future.succeededFuture(candidate);
      }
      return client.readLog(source, slot, mine.common(), 1).compose(theirs -> theirs.common().equals(mine.common())
          ? Future.succeededFuture(mine.common()) : agree(source, slot, theirs.common(), steps + 1));
    });
  }

  private Future<Void> rollBack(MemberInfo source, int slot, SlotPosition common) {
    return store.entriesAfter(slot, common).compose(mine -> {
      Map<String, OplogEntry> touched = new LinkedHashMap<>();
      for (OplogEntry e : mine) {
        touched.put(e.collection() + "\u0000" + e.key(), e);
      }
      // One at a time: a node that wrote alone for long can have many records to repair, and a
      // fan-out would overflow the bounded pool to its peer.
      List<OplogEntry> keys = new ArrayList<>(touched.values());
      List<RecordState> states = new ArrayList<>();
      LOG.warn("slot {}: rolling back {} entries after {} that {} does not have (never acknowledged); "
          + "taking its state of {} records", slot, mine.size(), common, source.id(), keys.size());
      return fetchStates(source, slot, keys, 0, states).compose(v -> {
        repaired.increment(states.size());
        return store.repair(slot, common, states);
      });
    });
  }
}
