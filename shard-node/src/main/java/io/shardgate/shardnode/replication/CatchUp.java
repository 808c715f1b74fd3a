package io.shardgate.shardnode.replication;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.shardgate.cluster.membership.MemberInfo;
import io.shardgate.shardnode.store.RecordStore;
import io.shardgate.shardnode.store.SlotPosition;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Catch-up of a starting or fenced node (DESIGN §4): sync every slot it holds from the slot's first
 * live other replica; announce the return to those peers (handoff: they count this node as live, stop
 * acting as primary where it is ahead, replicate to it where it is behind, and finish their in-flight
 * writes); sync once more for what they wrote meanwhile. The node keeps renewing that presence with its
 * peers until it holds its lease ({@link #finish()}), however long the final sync takes. Each pass
 * compares slot positions first and syncs only the slots that differ. Progress is logged, exposed as
 * gauges and in the node's admin status.
 */
public final class CatchUp {
  private static final Logger LOG = LoggerFactory.getLogger(CatchUp.class);
  private static final int PARALLEL_SLOTS = 8;

  private final Vertx vertx;
  private final Peers peers;
  private final RecordStore store;
  private final SlotLocks locks;
  private final SlotSync sync;
  private final PeerClient client;
  private final long presentForMs;
  private final long presentRefreshMs;
  private final AtomicInteger slotsTotal = new AtomicInteger();
  private final AtomicInteger slotsDone = new AtomicInteger();
  private final AtomicLong entries = new AtomicLong();
  private volatile String phase = "idle";
  private volatile long runs;
  private long presenceTimer = -1;
  /** Entries each lagging slot is behind its source (an estimate across epochs); empty when level. */
  private final Map<Integer, Long> lag = new ConcurrentHashMap<>();
  private final MultiGauge lagGauge;

  public CatchUp(Vertx vertx, Peers peers, RecordStore store, SlotLocks locks, SlotSync sync, PeerClient client,
      long presentForMs, long presentRefreshMs, MeterRegistry meters) {
    this.vertx = vertx;
    this.peers = peers;
    this.store = store;
    this.locks = locks;
    this.sync = sync;
    this.client = client;
    this.presentForMs = presentForMs;
    this.presentRefreshMs = presentRefreshMs;
    Gauge.builder("shardgate.catchup.slots.total", slotsTotal, AtomicInteger::get).tag("node", peers.self())
        .description("Slots to bring level in the current or last catch-up pass").register(meters);
    Gauge.builder("shardgate.catchup.slots.done", slotsDone, AtomicInteger::get).tag("node", peers.self())
        .description("Slots brought level so far in the current or last catch-up pass").register(meters);
    this.lagGauge = MultiGauge.builder("shardgate.replication.lag.entries").tag("node", peers.self())
        .description("Oplog entries a slot of this node is behind its source while catching up").register(meters);
  }

  private void publishLag() {
    lagGauge.register(lag.entrySet().stream()
        .map(e -> MultiGauge.Row.of(Tags.of("slot", Integer.toString(e.getKey())), e.getValue()))
        .collect(Collectors.toList()), true);
  }

  private static long behind(SlotPosition mine, SlotPosition theirs) {
    return theirs.epoch() == mine.epoch() ? Math.max(0, theirs.seq() - mine.seq()) : Math.max(1, theirs.seq());
  }

  public Future<Void> run() {
    runs++;
    long started = System.nanoTime();
    List<Integer> slots = peers.ownSlots();
    Map<String, MemberInfo> sources = new LinkedHashMap<>();
    for (int slot : slots) {
      MemberInfo source = peers.sourceFor(slot);
      if (source != null) {
        sources.put(source.id(), source);
      }
    }
    LOG.info("{}: catching up {} slots from {}", peers.self(), slots.size(),
        sources.isEmpty() ? "nobody (no other replica is live)" : sources.keySet());
    entries.set(0);
    List<MemberInfo> from = new ArrayList<>(sources.values());
    return pass("sync", slots, from)
        .compose(v -> handoff(from))
        .compose(v -> pass("final sync", slots, from))
        .onSuccess(v -> {
          phase = "done";
          LOG.info("{}: caught up {} slots ({} entries) in {} ms", peers.self(), slots.size(), entries.get(),
              (System.nanoTime() - started) / 1_000_000);
        })
        .onFailure(e -> {
          finish();
          phase = "failed: " + e.getMessage();
          LOG.warn("{}: catch-up failed ({}); will retry", peers.self(), e.toString());
        });
  }

  /** The node holds its lease (or gave up): stop renewing the handoff presence with its peers. */
  public void finish() {
    if (presenceTimer >= 0) {
      vertx.cancelTimer(presenceTimer);
      presenceTimer = -1;
    }
  }

  /** Syncs the slots whose position differs from their source's. */
  private Future<Void> pass(String name, List<Integer> slots, List<MemberInfo> sources) {
    phase = name;
    List<Future<Map<Integer, SlotPosition>>> theirs = new ArrayList<>();
    for (MemberInfo source : sources) {
      theirs.add(client.positions(source));
    }
    return Future.all(theirs).compose(all -> store.positions().compose(mine -> {
      Map<String, Map<Integer, SlotPosition>> bySource = new HashMap<>();
      for (int i = 0; i < sources.size(); i++) {
        bySource.put(sources.get(i).id(), theirs.get(i).result());
      }
      List<Integer> differing = new ArrayList<>();
      for (int slot : slots) {
        MemberInfo source = peers.sourceFor(slot);
        Map<Integer, SlotPosition> known = source == null ? null : bySource.get(source.id());
        SlotPosition sourcePosition = known == null ? null : known.getOrDefault(slot, SlotPosition.ZERO);
        SlotPosition own = mine.getOrDefault(slot, SlotPosition.ZERO);
        if (sourcePosition != null && !sourcePosition.equals(own)) {
          differing.add(slot);
        }
      }
      lag.clear();
      for (int slot : differing) {
        MemberInfo source = peers.sourceFor(slot);
        lag.put(slot, behind(mine.getOrDefault(slot, SlotPosition.ZERO),
            bySource.get(source.id()).getOrDefault(slot, SlotPosition.ZERO)));
      }
      publishLag();
      slotsTotal.set(differing.size());
      slotsDone.set(0);
      AtomicInteger next = new AtomicInteger();
      List<Future<Void>> workers = new ArrayList<>();
      for (int i = 0; i < PARALLEL_SLOTS; i++) {
        workers.add(worker(differing, next));
      }
      return Future.all(workers).<Void>mapEmpty();
    }));
  }

  private Future<Void> worker(List<Integer> slots, AtomicInteger next) {
    int i = next.getAndIncrement();
    if (i >= slots.size()) {
      return Future.succeededFuture();
    }
    int slot = slots.get(i);
    MemberInfo source = peers.sourceFor(slot);
    if (source == null) {
      return Future.failedFuture(new IllegalStateException("slot " + slot + " lost its source during catch-up"));
    }
    return locks.run(slot, () -> sync.syncLocked(source, slot)).compose(n -> {
      entries.addAndGet(n);
      lag.remove(slot);
      int done = slotsDone.incrementAndGet();
      if (done % 32 == 0 || done == slots.size()) {
        publishLag();
      }
      if (done % 128 == 0) {
        LOG.info("{}: {} {}/{} slots", peers.self(), phase, done, slots.size());
      }
      return worker(slots, next);
    });
  }

  private Future<Void> handoff(List<MemberInfo> sources) {
    phase = "handoff";
    List<Future<Void>> calls = new ArrayList<>();
    for (MemberInfo source : sources) {
      calls.add(client.handoff(source, presentForMs));
    }
    return Future.all(calls).<Void>mapEmpty().onSuccess(v -> {
      finish();
      presenceTimer = vertx.setPeriodic(presentRefreshMs, id -> sources.forEach(source -> client.present(source, presentForMs)
          .onFailure(e -> LOG.warn("{}: could not renew presence with {}: {}", peers.self(), source.id(), e.toString()))));
    });
  }

  public JsonObject status() {
    return new JsonObject().put("phase", phase).put("runs", runs).put("slotsTotal", slotsTotal.get())
        .put("slotsDone", slotsDone.get()).put("entriesApplied", entries.get()).put("slotsBehind", lag.size());
  }
}
