package io.shardgate.gateway.backend;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardgate.cluster.config.Settings;
import io.shardgate.cluster.membership.MemberInfo;
import io.shardgate.cluster.membership.Role;
import io.shardgate.cluster.protocol.Headers;
import io.shardgate.cluster.protocol.Refusal;
import io.shardgate.cluster.routing.Route;
import io.shardgate.cluster.routing.Routing;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The failover decision with scripted nodes and no sockets: which replica is asked, when a request
 * moves on, and that a write whose outcome is unknown is never sent again. Futures complete at once.
 */
class FailoverTest {
  private static final int ROUNDS = 2;
  private static final long ROUND_DELAY_MS = 50;
  private static final MemberInfo A = shard("a");
  private static final MemberInfo B = shard("b");
  private static final MemberInfo C = shard("c");

  private final Map<String, Supplier<Future<BackendResponse>>> script = new HashMap<>();
  private final List<String> asked = new ArrayList<>();
  private final List<Long> delays = new ArrayList<>();
  private final List<String> movedOn = new ArrayList<>();
  private final Failover failover = new Failover(replication(ROUNDS, ROUND_DELAY_MS), ms -> {
    delays.add(ms);
    return Future.succeededFuture();
  }, (op, reason) -> movedOn.add(op.tag() + ":" + reason.tag()));
  private final Function<MemberInfo, Future<BackendResponse>> call = node -> {
    asked.add(node.id());
    return script.getOrDefault(node.id(), () -> Future.failedFuture(new AssertionError(node.id() + " not scripted"))).get();
  };

  @Test
  void aReadGoesToTheFirstLiveReplicaOnly() {
    script.put("b", () -> answer(200));
    BackendResponse r = failover.read(route(down(A), live(B), live(C)), call).result();
    assertThat(r.status()).isEqualTo(200);
    assertThat(asked).containsExactly("b");
    assertThat(movedOn).isEmpty();
  }

  @Test
  void aReadMovesOnAfterAConnectErrorATimeoutOrA5xx() {
    script.put("a", () -> noAnswer(BackendUnavailable.Reason.CONNECT));
    script.put("b", () -> noAnswer(BackendUnavailable.Reason.TIMEOUT));
    script.put("c", () -> answer(200));
    assertThat(failover.read(route(live(A), live(B), live(C)), call).result().status()).isEqualTo(200);
    assertThat(asked).containsExactly("a", "b", "c");

    script.put("a", () -> answer(500));
    script.put("b", () -> refusal(Refusal.NOT_SERVING));
    assertThat(failover.read(route(live(A), live(B), live(C)), call).result().status()).isEqualTo(200);
    assertThat(movedOn).containsExactly("read:connect", "read:timeout", "read:status_5xx", "read:not_serving");
  }

  @Test
  void aReadNeverMovesOnAfterA4xx() {
    script.put("a", () -> answer(404));
    script.put("b", () -> answer(200));
    assertThat(failover.read(route(live(A), live(B)), call).result().status()).isEqualTo(404);
    assertThat(asked).containsExactly("a");
    assertThat(movedOn).isEmpty();
  }

  @Test
  void theLastReplicasAnswerOrFailureIsTheReadsOutcome() {
    script.put("a", () -> answer(503));
    script.put("b", () -> answer(500));
    assertThat(failover.read(route(live(A), live(B)), call).result().status()).isEqualTo(500);

    script.put("b", () -> noAnswer(BackendUnavailable.Reason.TIMEOUT));
    Future<BackendResponse> failed = failover.read(route(live(A), live(B)), call);
    assertThat(reasonOf(failed)).isEqualTo(BackendUnavailable.Reason.TIMEOUT);
  }

  @Test
  void aReadWithNoLiveReplicaFailsWithoutAskingAnyone() {
    Future<BackendResponse> failed = failover.read(route(down(A), down(B)), call);
    assertThat(reasonOf(failed)).isEqualTo(BackendUnavailable.Reason.NO_LIVE_REPLICA);
    assertThat(failed.cause()).hasMessageContaining("slot 7").hasMessageContaining("[a, b]");
    assertThat(asked).isEmpty();
  }

  @Test
  void aWriteTriesLiveReplicasFirstThenTheOnesThisViewThinksDown() {
    script.put("b", () -> refusal(Refusal.NOT_PRIMARY));
    script.put("a", () -> answer(201));
    assertThat(failover.write(() -> route(down(A), live(B)), call).result().status()).isEqualTo(201);
    assertThat(asked).containsExactly("b", "a");
    assertThat(movedOn).containsExactly("write:not_primary");
  }

  @Test
  void aWriteMovesOnAfterASafeRefusalOrARefusedConnection() {
    script.put("a", () -> noAnswer(BackendUnavailable.Reason.CONNECT));
    script.put("b", () -> refusal(Refusal.NOT_SERVING));
    script.put("c", () -> answer(200));
    assertThat(failover.write(() -> route(live(A), live(B), live(C)), call).result().status()).isEqualTo(200);
    assertThat(asked).containsExactly("a", "b", "c");
    assertThat(movedOn).containsExactly("write:connect", "write:not_serving");
  }

  @Test
  void aWriteThatTimedOutOrBrokeIsNeverSentAgain() {
    for (BackendUnavailable.Reason reason : List.of(BackendUnavailable.Reason.TIMEOUT, BackendUnavailable.Reason.CLOSED,
        BackendUnavailable.Reason.OVERLOAD)) {
      asked.clear();
      script.put("a", () -> noAnswer(reason));
      script.put("b", () -> answer(200));
      Future<BackendResponse> failed = failover.write(() -> route(live(A), live(B)), call);
      assertThat(reasonOf(failed)).isEqualTo(reason);
      assertThat(asked).as(reason.tag()).containsExactly("a");
    }
    assertThat(movedOn).isEmpty();
    assertThat(delays).isEmpty();
  }

  @Test
  void anUnacknowledgedWriteOrAnotherErrorIsTheAnswerAndNeverRetried() {
    script.put("b", () -> answer(200));
    for (Supplier<Future<BackendResponse>> refusal : List.<Supplier<Future<BackendResponse>>>of(
        () -> refusal(Refusal.UNACKNOWLEDGED), () -> answer(503), () -> answer(500), () -> answer(412))) {
      asked.clear();
      script.put("a", refusal);
      BackendResponse r = failover.write(() -> route(live(A), live(B)), call).result();
      assertThat(r).isNotNull();
      assertThat(asked).containsExactly("a");
    }
    assertThat(movedOn).isEmpty();
  }

  @Test
  void writeRoundsAreBoundedBySettingsAndReRouteEachRound() {
    script.put("a", () -> refusal(Refusal.NOT_PRIMARY));
    script.put("b", () -> refusal(Refusal.NOT_SERVING));
    int[] routed = {0};
    Future<BackendResponse> failed = failover.write(() -> {
      routed[0]++;
      return route(live(A), live(B));
    }, call);
    assertThat(reasonOf(failed)).isEqualTo(BackendUnavailable.Reason.NO_PRIMARY);
    assertThat(failed.cause()).hasMessageContaining("it was not applied");
    assertThat(routed[0]).isEqualTo(ROUNDS + 1);
    assertThat(asked).hasSize(2 * (ROUNDS + 1));
    assertThat(delays).containsExactly(ROUND_DELAY_MS, ROUND_DELAY_MS);
  }

  @Test
  void aWriteFindsTheNewPrimaryInALaterRound() {
    List<Route> views = new ArrayList<>(List.of(route(live(A)), route(down(A), live(B))));
    script.put("a", () -> refusal(Refusal.NOT_SERVING));
    script.put("b", () -> answer(201));
    Supplier<Route> routing = () -> views.size() > 1 ? views.remove(0) : views.get(0);
    assertThat(failover.write(routing, call).result().status()).isEqualTo(201);
    assertThat(asked).containsExactly("a", "b");
    assertThat(delays).containsExactly(ROUND_DELAY_MS);
  }

  @Test
  void aWriteWithNoMembersFailsAtOnce() {
    assertThat(reasonOf(failover.write(() -> route(), call))).isEqualTo(BackendUnavailable.Reason.NO_MEMBERS);
  }

  private static BackendUnavailable.Reason reasonOf(Future<BackendResponse> f) {
    assertThat(f.failed()).as("failed").isTrue();
    return ((BackendUnavailable) f.cause()).reason();
  }

  private static Future<BackendResponse> answer(int status) {
    return Future.succeededFuture(new BackendResponse(status, MultiMap.caseInsensitiveMultiMap(), Buffer.buffer()));
  }

  private static Future<BackendResponse> refusal(Refusal refusal) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().set(Headers.REFUSAL, refusal.code());
    return Future.succeededFuture(new BackendResponse(refusal.status(), headers, Buffer.buffer()));
  }

  private static Future<BackendResponse> noAnswer(BackendUnavailable.Reason reason) {
    return Future.failedFuture(new BackendUnavailable(reason, "scripted " + reason.tag()));
  }

  private static Route route(Routing.Replica... replicas) {
    return new Route(7, 1, List.of(replicas));
  }

  private static Routing.Replica live(MemberInfo m) {
    return new Routing.Replica(m.id(), m, true);
  }

  private static Routing.Replica down(MemberInfo m) {
    return new Routing.Replica(m.id(), m, false);
  }

  private static MemberInfo shard(String id) {
    return new MemberInfo(id, Role.SHARD, "127.0.0.1", 1, 1);
  }

  static Settings.Replication replication(int rounds, long delayMs) {
    Settings.Replication d = Settings.Replication.DEFAULTS;
    return new Settings.Replication(d.pushTimeoutMs(), d.catchUpBatch(), d.oplogRetentionPerSlot(), d.trimIntervalMs(),
        d.drainMs(), rounds, delayMs, d.peerPoolSize(), d.peerMaxWaitQueue(), d.bulkTimeoutMs(), d.catchUpParallelism());
  }
}
