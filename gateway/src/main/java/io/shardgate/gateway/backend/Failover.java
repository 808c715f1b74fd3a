package io.shardgate.gateway.backend;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.shardgate.cluster.config.Settings;
import io.shardgate.cluster.membership.MemberInfo;
import io.shardgate.cluster.routing.Routing;
import io.shardgate.cluster.routing.RoutingTable;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Chooses which replica answers (DESIGN §4). Reads go to the first live replica and move to the next
 * on a connection error, timeout or 5xx, never on a 4xx. Writes go to the first live replica; a node
 * that refuses because it is not (or not yet) the acting primary, or a refused connection, sends the
 * write on to the next replica, for a few short rounds. A timeout on a write is never retried: the
 * write may have landed, and the client is told so with a 503.
 */
public final class Failover {
  private final Vertx vertx;
  private final RoutingTable routing;
  private final MeterRegistry meters;
  private final int rounds;
  private final long roundDelayMs;

  public Failover(Vertx vertx, RoutingTable routing, Settings.Replication settings, MeterRegistry meters) {
    this.vertx = vertx;
    this.routing = routing;
    this.meters = meters;
    this.rounds = settings.notPrimaryRetries();
    this.roundDelayMs = settings.notPrimaryRetryDelayMs();
  }

  public Future<BackendResponse> read(int slot, Function<MemberInfo, Future<BackendResponse>> call) {
    List<MemberInfo> live = candidates(routing.current(), slot, false);
    if (live.isEmpty()) {
      return Future.failedFuture(new BackendUnavailable("no_live_replica", "no replica of slot " + slot + " is live "
          + "(replicas: " + routing.current().replicaIds(slot) + ")"));
    }
    return readFrom(live, 0, call, null);
  }

  private Future<BackendResponse> readFrom(List<MemberInfo> nodes, int i, Function<MemberInfo, Future<BackendResponse>> call,
      Throwable last) {
    if (i == nodes.size()) {
      return Future.failedFuture(last);
    }
    return call.apply(nodes.get(i)).transform(ar -> {
      if (ar.succeeded() && ar.result().status() < 500) {
        return Future.succeededFuture(ar.result());
      }
      Throwable failure = ar.failed() ? ar.cause() : new BackendUnavailable("status_" + ar.result().status(),
          nodes.get(i).id() + " answered " + ar.result().status());
      if (i + 1 < nodes.size()) {
        count("read", reason(ar.failed() ? failure : null, ar.succeeded() ? ar.result() : null));
        return readFrom(nodes, i + 1, call, failure);
      }
      // The last replica's own 5xx is the answer (e.g. its storage is down); a failure becomes 503.
      return ar.succeeded() ? Future.succeededFuture(ar.result()) : Future.failedFuture(failure);
    });
  }

  public Future<BackendResponse> write(int slot, Function<MemberInfo, Future<BackendResponse>> call) {
    return writeRound(slot, call, 0);
  }

  private Future<BackendResponse> writeRound(int slot, Function<MemberInfo, Future<BackendResponse>> call, int round) {
    Routing r = routing.current();
    List<MemberInfo> nodes = candidates(r, slot, true);
    if (nodes.isEmpty()) {
      return Future.failedFuture(new BackendUnavailable("no_members", "no shard node has joined the cluster yet"));
    }
    return writeTo(nodes, 0, call).transform(ar -> {
      if (ar.succeeded() && ar.result() != null) {
        return Future.succeededFuture(ar.result());
      }
      if (ar.failed()) {
        return Future.failedFuture(ar.cause());
      }
      if (round + 1 > rounds) {
        return Future.failedFuture(new BackendUnavailable("no_primary", "no replica of slot " + slot
            + " accepted the write as acting primary (replicas: " + r.replicaIds(slot) + "); it was not applied"));
      }
      return vertx.timer(roundDelayMs).compose(t -> writeRound(slot, call, round + 1));
    });
  }

  /** Completes with the answer, with null when every node refused safely, or fails when the outcome is unknown. */
  private Future<BackendResponse> writeTo(List<MemberInfo> nodes, int i, Function<MemberInfo, Future<BackendResponse>> call) {
    if (i == nodes.size()) {
      return Future.succeededFuture(null);
    }
    return call.apply(nodes.get(i)).transform(ar -> {
      if (ar.succeeded() && !refusedSafely(ar.result())) {
        return Future.succeededFuture(ar.result());
      }
      if (ar.failed() && !(ar.cause() instanceof BackendUnavailable bu && bu.reason().equals("connect"))) {
        return Future.failedFuture(ar.cause());
      }
      count("write", reason(ar.failed() ? ar.cause() : null, ar.succeeded() ? ar.result() : null));
      return writeTo(nodes, i + 1, call);
    });
  }

  /** A node marks a refusal safe to retry elsewhere when it applied nothing (not primary, not serving). */
  private static boolean refusedSafely(BackendResponse response) {
    return "safe".equals(response.header("x-shardgate-retry"));
  }

  /** Live replicas in placement order; for writes, then the others, in case this view is behind. */
  private static List<MemberInfo> candidates(Routing r, int slot, boolean includeDown) {
    List<MemberInfo> live = new ArrayList<>();
    List<MemberInfo> down = new ArrayList<>();
    for (Routing.Replica replica : r.replicas(slot)) {
      if (replica.member() != null) {
        (replica.live() ? live : down).add(replica.member());
      }
    }
    if (includeDown) {
      live.addAll(down);
    }
    return live;
  }

  private static String reason(Throwable failure, BackendResponse response) {
    if (failure instanceof BackendUnavailable bu) {
      return bu.reason();
    }
    if (response != null) {
      return response.status() == 421 ? "not_primary" : refusedSafely(response) ? "not_serving" : "status_5xx";
    }
    return "error";
  }

  private void count(String op, String reason) {
    Counter.builder("shardgate.gateway.failovers").tag("op", op).tag("reason", reason)
        .description("Requests moved on to another replica").register(meters).increment();
  }
}
