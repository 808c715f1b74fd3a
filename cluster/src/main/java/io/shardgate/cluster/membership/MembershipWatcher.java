package io.shardgate.cluster.membership;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import io.shardgate.cluster.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds the last known {@link MembershipView} and keeps it fresh: it re-reads the registry on every
 * announced change and every {@code resyncMillis} (announcements can be lost, and lease expiry is never
 * announced). When the registry cannot be read, the last known view stays: gateways keep serving.
 *
 * <p>{@link #current()} may be called from any thread. Listeners run on the context that called
 * {@link #start()}, only when the view actually changed.
 */
public final class MembershipWatcher {
  private static final Logger LOG = LoggerFactory.getLogger(MembershipWatcher.class);
  public static final long DEFAULT_RESYNC_MILLIS = 1_000;
  private static final long FETCH_DEADLINE_MS = 2_000;
  private static final long NEVER = Long.MIN_VALUE;

  private final Vertx vertx;
  private final Registry registry;
  private final long resyncMillis;
  private final Clock clockMillis;
  private final MeterRegistry meters;
  private final List<Consumer<MembershipView>> listeners = new CopyOnWriteArrayList<>();
  private final Counter resyncsOk;
  private final Counter resyncsFailed;
  private final List<Meter> gauges = new ArrayList<>();

  private volatile MembershipView current = MembershipView.EMPTY;
  private volatile long lastSuccessAt = NEVER;
  private volatile boolean failing;
  private volatile Context context;

  // Confined to context.
  private boolean running;
  private boolean stopped;
  private long timerId = -1;
  private Future<MembershipView> inFlight;
  private Promise<MembershipView> queued;

  /** Resyncs every second; the view's age is measured on the JVM's monotonic clock. */
  public MembershipWatcher(Vertx vertx, Registry registry, MeterRegistry meters) {
    this(vertx, registry, meters, DEFAULT_RESYNC_MILLIS, Clock.monotonic());
  }

  public MembershipWatcher(Vertx vertx, Registry registry, MeterRegistry meters, long resyncMillis,
      Clock clockMillis) {
    this(vertx, registry, meters, resyncMillis, clockMillis, "process");
  }

  /**
   * @param observer tags this watcher's meters: in dev mode the gateway and every node keep their own
   *     view in one JVM and one meter registry
   */
  public MembershipWatcher(Vertx vertx, Registry registry, MeterRegistry meters, long resyncMillis,
      Clock clockMillis, String observer) {
    if (resyncMillis <= 0) {
      throw new IllegalArgumentException("membership resyncMs must be positive, got " + resyncMillis);
    }
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.registry = Objects.requireNonNull(registry, "registry");
    this.meters = Objects.requireNonNull(meters, "meters");
    this.clockMillis = Objects.requireNonNull(clockMillis, "clockMillis");
    this.resyncMillis = resyncMillis;
    this.resyncsOk = Counter.builder("shardgate.membership.resyncs").tag("observer", observer).tag("outcome", "ok")
        .description("Reads of the membership registry").register(meters);
    this.resyncsFailed = Counter.builder("shardgate.membership.resyncs").tag("observer", observer).tag("outcome", "error")
        .description("Reads of the membership registry").register(meters);
    for (Role role : Role.values()) {
      gauges.add(Gauge.builder("shardgate.membership.members", this, w -> w.current.members().values().stream()
              .filter(m -> m.role() == role).count())
          .tag("observer", observer).tag("role", role.wireName()).description("Members in the last known view").register(meters));
      gauges.add(Gauge.builder("shardgate.membership.live", this, w -> w.current.members().values().stream()
              .filter(m -> m.role() == role && w.current.isLive(m.id())).count())
          .tag("observer", observer).tag("role", role.wireName()).description("Members with a live lease in the last known view")
          .register(meters));
    }
    gauges.add(Gauge.builder("shardgate.membership.view.age", this, MembershipWatcher::viewAgeSeconds)
        .tag("observer", observer).baseUnit("seconds").description("Time since the registry was last read successfully").register(meters));
  }

  /** The last known view; {@link MembershipView#EMPTY} until the first successful read. */
  public MembershipView current() {
    return current;
  }

  /** False until the first successful read and while the registry cannot be read. */
  public boolean registryReachable() {
    return !failing && lastSuccessAt != NEVER;
  }

  /** Called with each new view, on the watcher's context. Add listeners before {@link #start()}. */
  public MembershipWatcher addListener(Consumer<MembershipView> listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
    return this;
  }

  /**
   * Subscribes to announcements, reads the registry once and starts the periodic resync. Fails if the
   * registry cannot be subscribed to or read, leaving the watcher idle; it may be started again.
   */
  public Future<Void> start() {
    Context ctx;
    synchronized (this) {
      if (context == null) {
        context = vertx.getOrCreateContext();
      }
      ctx = context;
    }
    Promise<Void> started = Promise.promise();
    ctx.runOnContext(v -> {
      if (running || stopped) {
        started.fail(new IllegalStateException("membership watcher already " + (stopped ? "stopped" : "started")));
        return;
      }
      running = true;
      registry.subscribe(this::resync)
          .compose(subscribed -> resync())
          .onComplete(ar -> onContext(() -> {
            if (ar.succeeded() && running) {
              timerId = vertx.setPeriodic(resyncMillis, id -> resync());
              started.complete();
            } else {
              running = false;
              started.fail(ar.failed() ? ar.cause() : new IllegalStateException("stopped while starting"));
            }
          }));
    });
    return started.future();
  }

  /**
   * Stops resyncing and notifying for good, and unregisters the gauges. The registry is its owner's to
   * close.
   */
  public Future<Void> stop() {
    Context ctx = context;
    if (ctx == null) {
      return Future.succeededFuture();
    }
    Promise<Void> done = Promise.promise();
    ctx.runOnContext(v -> {
      running = false;
      stopped = true;
      if (timerId != -1) {
        vertx.cancelTimer(timerId);
        timerId = -1;
      }
      gauges.forEach(meters::remove);
      done.complete();
    });
    return done.future();
  }

  /**
   * Reads the registry now. Requests arriving while a read is in flight share one follow-up read, so
   * a burst of announcements costs at most two reads, and none of them is missed. Fails when the
   * registry cannot be read (the last known view stays).
   */
  public Future<MembershipView> resync() {
    Context ctx = context;
    if (ctx == null) {
      return Future.failedFuture(new IllegalStateException("membership watcher not started"));
    }
    if (Vertx.currentContext() == ctx) {
      return resyncOnContext();
    }
    Promise<MembershipView> result = Promise.promise();
    ctx.runOnContext(v -> resyncOnContext().onComplete(result));
    return result.future();
  }

  private Future<MembershipView> resyncOnContext() {
    if (!running) {
      return Future.failedFuture(new IllegalStateException("membership watcher stopped"));
    }
    if (inFlight != null) {
      if (queued == null) {
        queued = Promise.promise();
      }
      return queued.future();
    }
    Promise<MembershipView> done = Promise.promise();
    inFlight = done.future();
    // A read that hangs on a half-open connection must not freeze the view: it fails after a deadline.
    registry.fetch().timeout(FETCH_DEADLINE_MS, java.util.concurrent.TimeUnit.MILLISECONDS).onComplete(ar -> onContext(() -> {
      inFlight = null;
      record(ar);
      done.handle(ar);
      if (queued != null) {
        Promise<MembershipView> next = queued;
        queued = null;
        resyncOnContext().onComplete(next);
      }
    }));
    return done.future();
  }

  private void record(AsyncResult<MembershipView> ar) {
    if (!running) {
      return;
    }
    if (ar.failed()) {
      resyncsFailed.increment();
      if (!failing) {
        failing = true;
        LOG.warn("Membership registry unreachable; keeping the last known view of {} members: {}",
            current.members().size(), ar.cause().toString());
      }
      return;
    }
    resyncsOk.increment();
    lastSuccessAt = clockMillis.millis();
    MembershipView view = ar.result();
    if (failing) {
      failing = false;
      LOG.info("Membership registry reachable again ({} members, {} live)", view.members().size(), view.live().size());
    }
    if (view.equals(current)) {
      return;
    }
    current = view;
    for (Consumer<MembershipView> listener : listeners) {
      try {
        listener.accept(view);
      } catch (RuntimeException e) {
        LOG.error("Membership listener failed", e);
      }
    }
  }

  private double viewAgeSeconds() {
    long at = lastSuccessAt;
    return at == NEVER ? Double.NaN : (clockMillis.millis() - at) / 1000.0;
  }

  private void onContext(Runnable action) {
    if (Vertx.currentContext() == context) {
      action.run();
    } else {
      context.runOnContext(v -> action.run());
    }
  }
}
