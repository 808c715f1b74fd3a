package io.shardgate.cluster.membership;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.Objects;
import io.shardgate.cluster.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one member's lease: renews it every {@code renewMillis} for {@code ttlMillis}, and answers
 * {@link #isHeld()} for the self-fencing write path.
 *
 * <p>A renewal is counted from the moment it was <em>sent</em>: Redis starts the ttl when it receives
 * the command, which is later, so this process never believes it holds the lease longer than Redis
 * does. The clock must be monotonic; it is injected so tests move time.
 *
 * <p>A lapse is final: if no renewal succeeded within the ttl (or one succeeded only after the lease had
 * already lapsed, so Redis may have expired and re-created it) the keeper stops renewing, releases
 * what the late renewal may have re-created, and runs the {@link #onLapse} handler. Other replicas may
 * have acted as primary meanwhile, so the node must catch up before it calls {@link #start()} again.
 */
public final class LeaseKeeper {
  private static final Logger LOG = LoggerFactory.getLogger(LeaseKeeper.class);
  private static final long NOT_HELD = Long.MIN_VALUE;

  private final Vertx vertx;
  private final Registry registry;
  private final String memberId;
  private final LeaseTiming timing;
  private final Clock clockMillis;
  private final Counter renewalsOk;
  private final Counter renewalsFailed;

  private volatile long heldUntil = NOT_HELD;
  private volatile Runnable lapseHandler = () -> { };
  private volatile Context context;

  // Confined to context. A new generation starts with every start/stop/lapse; callbacks of an older
  // generation are ignored.
  private long generation;
  private boolean running;
  private boolean failing;
  private long timerId = -1;
  private Promise<Void> acquired;

  /** Measures the lease on the JVM's monotonic clock. */
  public LeaseKeeper(Vertx vertx, Registry registry, String memberId, LeaseTiming timing, MeterRegistry meters) {
    this(vertx, registry, memberId, timing, meters, Clock.monotonic());
  }

  public LeaseKeeper(Vertx vertx, Registry registry, String memberId, LeaseTiming timing, MeterRegistry meters,
      Clock clockMillis) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.registry = Objects.requireNonNull(registry, "registry");
    this.memberId = Objects.requireNonNull(memberId, "memberId");
    this.timing = Objects.requireNonNull(timing, "timing");
    this.clockMillis = Objects.requireNonNull(clockMillis, "clockMillis");
    // Tagged by member: in dev mode several nodes share one JVM and one meter registry.
    this.renewalsOk = Counter.builder("shardgate.lease.renewals").tag("member", memberId).tag("outcome", "ok")
        .description("Lease renewals sent to the registry").register(meters);
    this.renewalsFailed = Counter.builder("shardgate.lease.renewals").tag("member", memberId).tag("outcome", "error")
        .description("Lease renewals sent to the registry").register(meters);
    Gauge.builder("shardgate.lease.held", this, k -> k.isHeld() ? 1 : 0).tag("member", memberId)
        .description("1 while this node holds its lease").register(meters);
  }

  /** True while the last successful renewal, counted from when it was sent, is younger than the ttl. */
  public boolean isHeld() {
    long until = heldUntil;
    return until != NOT_HELD && clockMillis.millis() < until;
  }

  /** Runs on the keeper's context when the lease lapsed and renewals stopped. */
  public LeaseKeeper onLapse(Runnable handler) {
    this.lapseHandler = Objects.requireNonNull(handler, "handler");
    return this;
  }

  /**
   * Starts renewing. Completes once the lease is taken; until then it keeps trying every renewMillis
   * (so a node started while the registry is down comes up when it returns). Fails if already running
   * or if {@link #stop()} is called first.
   */
  public Future<Void> start() {
    Context ctx = context();
    Promise<Void> taken = Promise.promise();
    ctx.runOnContext(v -> {
      if (running) {
        taken.fail(new IllegalStateException("the lease of " + memberId + " is already being kept"));
        return;
      }
      running = true;
      acquired = taken;
      renew(++generation);
    });
    return taken.future();
  }

  /** Stops renewing, fences at once, and releases the lease so others see the node leave now. */
  public Future<Void> stop() {
    Context ctx = context;
    if (ctx == null) {
      return Future.succeededFuture();
    }
    Promise<Void> done = Promise.promise();
    ctx.runOnContext(v -> {
      if (!running) {
        done.complete();
        return;
      }
      halt();
      acquired.tryFail(new IllegalStateException("stopped before the lease of " + memberId + " was taken"));
      registry.releaseLease(memberId).onComplete(done);
    });
    return done.future();
  }

  private void renew(long gen) {
    if (gen != generation) {
      return;
    }
    long sentAt = clockMillis.millis();
    if (heldUntil != NOT_HELD && sentAt >= heldUntil) {
      lapse("no renewal succeeded within " + timing.ttlMillis() + " ms");
      return;
    }
    // A renewal that hangs (half-open connection) must not stall the keeper: after a ttl it has failed,
    // and the next attempt notices the lapse.
    registry.renewLease(memberId, timing.ttlMillis()).timeout(timing.ttlMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
        .onComplete(ar -> onContext(() -> renewed(gen, sentAt, ar)));
  }

  private void renewed(long gen, long sentAt, AsyncResult<Boolean> ar) {
    if (gen != generation) {
      return;
    }
    if (ar.succeeded()) {
      renewalsOk.increment();
      if (heldUntil != NOT_HELD && clockMillis.millis() >= heldUntil) {
        lapse("a renewal succeeded only after the lease had lapsed");
        return;
      }
      if (heldUntil != NOT_HELD && !ar.result()) {
        // The key vanished while this node believed it held it (registry restarted or flushed):
        // others may have seen this node as down and acted as primary meanwhile.
        lapse("the lease key had vanished from the registry");
        return;
      }
      if (heldUntil == NOT_HELD) {
        LOG.info("Took the lease of {} (ttl {} ms)", memberId, timing.ttlMillis());
      } else if (failing) {
        LOG.info("Renewing the lease of {} works again", memberId);
      }
      failing = false;
      heldUntil = Math.max(heldUntil, sentAt + timing.ttlMillis());
      acquired.tryComplete();
    } else {
      renewalsFailed.increment();
      if (!failing) {
        failing = true;
        LOG.warn("Renewing the lease of {} failed; retrying every {} ms: {}", memberId, timing.renewMillis(),
            ar.cause().toString());
      }
    }
    long delay = Math.max(1, sentAt + timing.renewMillis() - clockMillis.millis());
    timerId = vertx.setTimer(delay, id -> renew(gen));
  }

  private void lapse(String reason) {
    halt();
    LOG.warn("Lease of {} lapsed ({}); fenced until start() is called again", memberId, reason);
    // Best effort: the late renewal may have re-created the key, and others must not count this node
    // live before it has caught up.
    registry.releaseLease(memberId);
    try {
      lapseHandler.run();
    } catch (RuntimeException e) {
      LOG.error("Lease lapse handler of {} failed", memberId, e);
    }
  }

  private void halt() {
    generation++;
    running = false;
    failing = false;
    heldUntil = NOT_HELD;
    if (timerId != -1) {
      vertx.cancelTimer(timerId);
      timerId = -1;
    }
  }

  private synchronized Context context() {
    if (context == null) {
      context = vertx.getOrCreateContext();
    }
    return context;
  }

  private void onContext(Runnable action) {
    if (Vertx.currentContext() == context) {
      action.run();
    } else {
      context.runOnContext(v -> action.run());
    }
  }
}
