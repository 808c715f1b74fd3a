package io.shardgate.gateway.backend;

import io.shardgate.cluster.config.Settings;
import io.shardgate.cluster.membership.MemberInfo;
import io.shardgate.cluster.protocol.Headers;
import io.shardgate.cluster.protocol.Refusal;
import io.shardgate.cluster.routing.Route;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Which replica answers (DESIGN §4), over the orders a {@link Route} gives. Reads go to the first live
 * replica and move to the next on a connection error, timeout or 5xx, never on a 4xx. Writes go down
 * the write order; a node that refuses safely ({@link Refusal#safeToRetry()}: it applied nothing) or
 * a refused connection sends the write on to the next replica, for a bounded number of rounds with a
 * pause between them. Any other failure of a write (a timeout, a broken connection, an unacknowledged
 * refusal) is never retried: the write may have landed, and sending it again could apply it twice.
 */
public final class Failover {
  public enum Op {
    READ, WRITE;

    private final String tag = name().toLowerCase(Locale.ROOT);

    public String tag() {
      return tag;
    }
  }

  /** Why a request moved on to the next replica. */
  public enum MoveReason {
    CONNECT, TIMEOUT, OVERLOAD, CLOSED, STATUS_5XX, NOT_PRIMARY, NOT_SERVING;

    private final String tag = name().toLowerCase(Locale.ROOT);

    public String tag() {
      return tag;
    }
  }

  /** Waits between write rounds: a Vert.x timer in the gateway, immediate (and recorded) in tests. */
  @FunctionalInterface
  public interface Delay {
    Future<Void> after(long ms);
  }

  private final int rounds;
  private final long roundDelayMs;
  private final Delay delay;
  private final FailoverStats stats;

  /** Rounds and their pause come from {@code replication.notPrimaryRetries} and {@code notPrimaryRetryDelayMs}. */
  public Failover(Settings.Replication settings, Delay delay, FailoverStats stats) {
    this.rounds = settings.notPrimaryRetries();
    this.roundDelayMs = settings.notPrimaryRetryDelayMs();
    this.delay = delay;
    this.stats = stats;
  }

  /** The answer of the first live replica that gives one below 500; the last one's answer or failure otherwise. */
  public Future<BackendResponse> read(Route route, Function<MemberInfo, Future<BackendResponse>> call) {
    List<MemberInfo> live = route.readOrder();
    if (live.isEmpty()) {
      return Future.failedFuture(new BackendUnavailable(BackendUnavailable.Reason.NO_LIVE_REPLICA, "no replica of slot "
          + route.slot() + " is live (replicas: " + route.replicaIds() + ")"));
    }
    return readFrom(live, 0, call);
  }

  private Future<BackendResponse> readFrom(List<MemberInfo> nodes, int i, Function<MemberInfo, Future<BackendResponse>> call) {
    return call.apply(nodes.get(i)).transform(ar -> {
      boolean answered = ar.succeeded() && ar.result().status() < 500;
      if (answered || i + 1 == nodes.size()) {
        // The last replica's own 5xx is the answer (e.g. its storage is down); a failure stays one.
        return settled(ar);
      }
      stats.movedOn(Op.READ, moveReason(ar));
      return readFrom(nodes, i + 1, call);
    });
  }

  /**
   * The first answer that is not a safe refusal, re-routing each round with {@code route} (the view may
   * have changed while waiting). Fails with the call's failure when the outcome is unknown, or with
   * {@code NO_PRIMARY} when every round was refused safely (then nothing was applied).
   */
  public Future<BackendResponse> write(Supplier<Route> route, Function<MemberInfo, Future<BackendResponse>> call) {
    return writeRound(route, call, 0);
  }

  private Future<BackendResponse> writeRound(Supplier<Route> routing, Function<MemberInfo, Future<BackendResponse>> call,
      int round) {
    Route route = routing.get();
    List<MemberInfo> nodes = route.writeOrder();
    if (nodes.isEmpty()) {
      return Future.failedFuture(new BackendUnavailable(BackendUnavailable.Reason.NO_MEMBERS,
          "no shard node has joined the cluster yet"));
    }
    return writeTo(nodes, 0, call).compose(answer -> {
      if (answer != null) {
        return Future.succeededFuture(answer);
      }
      if (round >= rounds) {
        return Future.failedFuture(new BackendUnavailable(BackendUnavailable.Reason.NO_PRIMARY, "no replica of slot "
            + route.slot() + " accepted the write as acting primary (replicas: " + route.replicaIds()
            + "); it was not applied"));
      }
      return delay.after(roundDelayMs).compose(v -> writeRound(routing, call, round + 1));
    });
  }

  /** Completes with the answer, with null when every node refused safely, or fails when the outcome is unknown. */
  private Future<BackendResponse> writeTo(List<MemberInfo> nodes, int i, Function<MemberInfo, Future<BackendResponse>> call) {
    if (i == nodes.size()) {
      return Future.succeededFuture(null);
    }
    return call.apply(nodes.get(i)).transform(ar -> {
      if (!writeMovesOn(ar)) {
        return settled(ar);
      }
      stats.movedOn(Op.WRITE, moveReason(ar));
      return writeTo(nodes, i + 1, call);
    });
  }

  /** A write moves on only when it surely was not applied: a safe refusal, or a refused connection. */
  static boolean writeMovesOn(AsyncResult<BackendResponse> ar) {
    if (ar.succeeded()) {
      Refusal refusal = refusalOf(ar.result());
      return refusal != null && refusal.safeToRetry();
    }
    return ar.cause() instanceof BackendUnavailable bu && bu.reason() == BackendUnavailable.Reason.CONNECT;
  }

  static MoveReason moveReason(AsyncResult<BackendResponse> ar) {
    if (ar.failed()) {
      if (!(ar.cause() instanceof BackendUnavailable bu)) {
        return MoveReason.CLOSED;
      }
      return switch (bu.reason()) {
        case CONNECT -> MoveReason.CONNECT;
        case TIMEOUT -> MoveReason.TIMEOUT;
        case OVERLOAD -> MoveReason.OVERLOAD;
        default -> MoveReason.CLOSED;
      };
    }
    Refusal refusal = refusalOf(ar.result());
    if (refusal == Refusal.NOT_PRIMARY) {
      return MoveReason.NOT_PRIMARY;
    }
    return refusal == Refusal.NOT_SERVING ? MoveReason.NOT_SERVING : MoveReason.STATUS_5XX;
  }

  private static Future<BackendResponse> settled(AsyncResult<BackendResponse> ar) {
    return ar.succeeded() ? Future.succeededFuture(ar.result()) : Future.failedFuture(ar.cause());
  }

  /** The refusal a node marked its answer with, or null for an ordinary answer. */
  public static Refusal refusalOf(BackendResponse response) {
    String code = response.header(Headers.REFUSAL);
    return code == null ? null : Refusal.parse(code);
  }
}
