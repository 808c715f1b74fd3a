package io.shardgate.shardnode.replication;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.shardgate.cluster.config.Settings;
import io.shardgate.cluster.membership.MemberInfo;
import io.shardgate.cluster.time.Clock;
import io.shardgate.shardnode.store.RecordStore;
import io.shardgate.shardnode.store.SlotPosition;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Catch-up of a starting or fenced node (DESIGN §4): sync every slot it holds from whichever other
 * replica is furthest ahead in it — leased or not, since after a whole-cluster restart the newest data
 * may sit on a node that has no lease yet; announce the return to those peers (handoff: they count this node as live, stop
 * acting as primary where it is ahead, replicate to it where it is behind, and finish their in-flight
 * writes); sync once more for what they wrote meanwhile. The node keeps renewing that presence with its
 * peers until it holds its lease ({@link #finish()}), however long the final sync takes. Each pass
 * compares slot positions first and syncs only the slots that differ. Progress is logged, exposed as
 * gauges and in the node's admin status.
 */
public final class CatchUp {
  private static final Logger LOG = LoggerFactory.getLogger(CatchUp.class);
  /** How often a partner that does not answer is asked again. */
  private static final long ASK_AGAIN_MS = 250;

  private final Timers timers;
  private final Clock clock;
  private final Peers peers;
  private final RecordStore store;
  private final SlotLocks locks;
  private final SlotSync sync;
  private final PeerCalls client;
  private final long presentForMs;
  private final long presentRefreshMs;
  private final long waitForPeersMs;
  private final int parallelism;
  private final AtomicInteger slotsTotal = new AtomicInteger();
  private final AtomicInteger slotsDone = new AtomicInteger();
  private final AtomicLong entries = new AtomicLong();
  private volatile String phase = "idle";
  private volatile long runs;
  private Runnable stopRenewing = () -> { };
  /** Entries each lagging slot is behind its source (an estimate across epochs); empty when level. */
  private final Map<Integer, Long> lag = new ConcurrentHashMap<>();
  private final MultiGauge lagGauge;

  /**
   * @param lease after its handoff the node renews its presence with its peers every lease renewal, each
   *     renewal counting for a lease ttl, until it holds its lease
   * @param parallelism how many slots sync at once
   */
  public CatchUp(Timers timers, Clock clock, Peers peers, RecordStore store, SlotLocks locks, SlotSync sync,
      PeerCalls client, Settings.Lease lease, int parallelism, MeterRegistry meters) {
    this.timers = timers;
    this.clock = clock;
    this.peers = peers;
    this.store = store;
    this.locks = locks;
    this.sync = sync;
    this.client = client;
    this.presentForMs = lease.ttlMs();
    this.presentRefreshMs = lease.renewMs();
    this.parallelism = parallelism;
    // Long enough for nodes started together to come up; a node down for good delays a start this much.
    this.waitForPeersMs = 2 * presentForMs;
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
    long started = clock.millis();
    List<Integer> slots = peers.ownSlots();
    List<MemberInfo> partners = peers.partners(slots);
    LOG.info("{}: catching up {} slots with {}", peers.self(), slots.size(),
        partners.isEmpty() ? "nobody (no other replica)" : partners.stream().map(MemberInfo::id).toList());
    entries.set(0);
    long waitUntil = started + waitForPeersMs;
    phase = "asking peers";
    return reachable(partners, waitUntil)
        .compose(from -> pass("sync", slots, from)
            .compose(v -> handoff(from))
            .compose(v -> pass("final sync", slots, from)))
        .onSuccess(v -> {
          phase = "done";
          LOG.info("{}: caught up {} slots ({} entries) in {} ms", peers.self(), slots.size(), entries.get(),
              clock.millis() - started);
        })
        .onFailure(e -> {
          finish();
          phase = "failed: " + e.getMessage();
          LOG.warn("{}: catch-up failed ({}); will retry", peers.self(), e.toString());
        });
  }

  /**
   * The partners that answer. A partner that holds a lease must answer (it may have acknowledged writes
   * this node lacks): keep asking until it does or its lease lapses. One without a lease may still hold
   * the newest data (the whole cluster restarting): wait for it up to a deadline, then go on without it.
   */
  private Future<List<MemberInfo>> reachable(List<MemberInfo> partners, long waitUntil) {
    List<Future<MemberInfo>> answers = new ArrayList<>();
    for (MemberInfo partner : partners) {
      answers.add(answers(partner, waitUntil));
    }
    return Future.all(answers).map(all -> {
      List<MemberInfo> out = new ArrayList<>();
      answers.forEach(f -> {
        if (f.result() != null) {
          out.add(f.result());
        }
      });
      return out;
    });
  }

  private Future<MemberInfo> answers(MemberInfo partner, long waitUntil) {
    return client.positions(partner).map(p -> partner).recover(e -> {
      if (!peers.live(partner.id()) && clock.millis() >= waitUntil) {
        LOG.warn("{}: going on without {}: it neither answers nor holds a lease ({})", peers.self(), partner.id(),
            e.toString());
        return Future.succeededFuture(null);
      }
      return timers.after(ASK_AGAIN_MS).compose(t -> answers(partner, waitUntil));
    });
  }

  /** The node holds its lease (or gave up): stop renewing the handoff presence with its peers. */
  public void finish() {
    stopRenewing.run();
    stopRenewing = () -> { };
  }

  /** Syncs every slot from the replica furthest ahead of this node, when one is. */
  private Future<Void> pass(String name, List<Integer> slots, List<MemberInfo> partners) {
    phase = name;
    List<Future<Map<Integer, SlotPosition>>> theirs = new ArrayList<>();
    for (MemberInfo partner : partners) {
      theirs.add(client.positions(partner));
    }
    return Future.all(theirs).compose(all -> store.positions().compose(mine -> {
      Map<String, Map<Integer, SlotPosition>> byPartner = new HashMap<>();
      Map<String, MemberInfo> members = new HashMap<>();
      for (int i = 0; i < partners.size(); i++) {
        byPartner.put(partners.get(i).id(), theirs.get(i).result());
        members.put(partners.get(i).id(), partners.get(i));
      }
      Map<Integer, MemberInfo> sources = new LinkedHashMap<>();
      lag.clear();
      for (int slot : slots) {
        SlotPosition own = mine.getOrDefault(slot, SlotPosition.ZERO);
        SlotPosition best = own;
        MemberInfo source = null;
        for (String other : peers.otherReplicas(slot)) {
          Map<Integer, SlotPosition> known = byPartner.get(other);
          SlotPosition p = known == null ? null : known.getOrDefault(slot, SlotPosition.ZERO);
          if (p != null && p.isAfter(best)) {
            best = p;
            source = members.get(other);
          }
        }
        if (source != null) {
          sources.put(slot, source);
          lag.put(slot, behind(own, best));
        }
      }
      publishLag();
      List<Integer> behind = new ArrayList<>(sources.keySet());
      LOG.info("{}: {}: {} of {} slots are behind {}", peers.self(), name, behind.size(), slots.size(),
          partners.stream().map(MemberInfo::id).toList());
      slotsTotal.set(behind.size());
      slotsDone.set(0);
      AtomicInteger next = new AtomicInteger();
      List<Future<Void>> workers = new ArrayList<>();
      for (int i = 0; i < parallelism; i++) {
        workers.add(worker(behind, sources, next));
      }
      return Future.all(workers).<Void>mapEmpty();
    }));
  }

  private Future<Void> worker(List<Integer> slots, Map<Integer, MemberInfo> sources, AtomicInteger next) {
    int i = next.getAndIncrement();
    if (i >= slots.size()) {
      return Future.succeededFuture();
    }
    int slot = slots.get(i);
    MemberInfo source = sources.get(slot);
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
      return worker(slots, sources, next);
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
      stopRenewing = timers.every(presentRefreshMs, () -> sources.forEach(source -> client.present(source, presentForMs)
          .onFailure(e -> LOG.warn("{}: could not renew presence with {}: {}", peers.self(), source.id(), e.toString()))));
    });
  }

  public JsonObject status() {
    return new JsonObject().put("phase", phase).put("runs", runs).put("slotsTotal", slotsTotal.get())
        .put("slotsDone", slotsDone.get()).put("entriesApplied", entries.get()).put("slotsBehind", lag.size());
  }
}
