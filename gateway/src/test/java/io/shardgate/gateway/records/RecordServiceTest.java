package io.shardgate.gateway.records;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.shardgate.cluster.security.MemberAuth;
import io.shardgate.cluster.config.Settings;
import io.shardgate.cluster.http.Problem;
import io.shardgate.cluster.ids.IdAllocator;
import io.shardgate.cluster.membership.MemberInfo;
import io.shardgate.cluster.membership.MembershipView;
import io.shardgate.cluster.membership.Role;
import io.shardgate.cluster.placement.Placement;
import io.shardgate.cluster.protocol.Headers;
import io.shardgate.cluster.protocol.RecordVersions;
import io.shardgate.cluster.protocol.Refusal;
import io.shardgate.cluster.routing.RoutingTable;
import io.shardgate.gateway.backend.BackendResponse;
import io.shardgate.gateway.backend.BackendUnavailable;
import io.shardgate.gateway.backend.Failover;
import io.shardgate.gateway.backend.FailoverStats;
import io.shardgate.gateway.backend.NodeClient;
import io.shardgate.gateway.cache.CacheClient;
import io.shardgate.gateway.cache.CacheRead;
import io.shardgate.gateway.cache.GatewayCache;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How the record service turns shard-node answers into results, against a scripted node client (no
 * sockets) and a collection whose cache is off.
 */
class RecordServiceTest {
  private static final int ID_ATTEMPTS = 3;
  private static final MemberInfo A = new MemberInfo("a", Role.SHARD, "127.0.0.1", 1, 1);
  private static final MemberInfo B = new MemberInfo("b", Role.SHARD, "127.0.0.1", 2, 1);

  private record Call(String node, HttpMethod method, String uri, MultiMap headers, Buffer body) {}

  private final Vertx vertx = Vertx.vertx();
  private final List<Call> calls = new ArrayList<>();
  private final List<RecordResult.Reason> unavailable = new ArrayList<>();
  private Function<Call, Future<BackendResponse>> node = c -> Future.failedFuture(new AssertionError("unscripted"));
  private IdAllocator ids = IdAllocator.inProcess();

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  @Test
  void aFoundRecordIsTheNodesBytesWithItsVersionAndNode() throws Exception {
    Buffer record = new JsonObject().put("id", "k1").toBuffer();
    node = c -> answer(200, record, "a", 3);
    RecordResult r = await(service().get("k1", RecordService.ReadFrom.CACHE_OR_SHARD, "req-1"));
    assertThat(r).isEqualTo(new RecordResult.Found(record, 3, "a", CacheRead.Status.BYPASS));
    assertThat(((RecordResult.Found) r).record()).isSameAs(record);
    Call call = calls.get(0);
    assertThat(call.method()).isEqualTo(HttpMethod.GET);
    assertThat(call.uri()).isEqualTo("/records/expenses/k1");
    assertThat(call.headers().get(Headers.REQUEST_ID)).isEqualTo("req-1");
  }

  @Test
  void aMissingRecordIsNotFound() throws Exception {
    node = c -> problem(Problem.notFound("expenses/k1 does not exist"), "a");
    assertThat(await(service().get("k1", RecordService.ReadFrom.SHARD, null)))
        .isEqualTo(new RecordResult.NotFound("a", CacheRead.Status.BYPASS));
  }

  @Test
  void aReadEveryReplicaRefusesIsUnavailableAndAppliedNothing() throws Exception {
    node = c -> refusal(Refusal.NOT_SERVING, "catching up", c.node());
    RecordResult r = await(service().get("k1", RecordService.ReadFrom.CACHE_OR_SHARD, null));
    assertThat(r).isEqualTo(new RecordResult.Unavailable(RecordResult.Reason.NOT_SERVING, "catching up", false,
        calls.get(calls.size() - 1).node(), CacheRead.Status.BYPASS));
    assertThat(unavailable).containsExactly(RecordResult.Reason.NOT_SERVING);
  }

  @Test
  void aCreateWithoutAKeyTakesTheNextIdWhileTheAllocatedOneIsTaken() throws Exception {
    Buffer created = Buffer.buffer("{}");
    node = c -> calls.size() < 2 ? problem(Problem.of(409, "conflict", "Conflict", "taken"), "a")
        : answer(201, created, "a", 1);
    RecordResult r = await(service().create(null, key -> Buffer.buffer("{\"id\":\"" + key + "\"}"), null));
    assertThat(r).isEqualTo(new RecordResult.Written(RecordResult.Change.CREATED, "2", created, 1, "a"));
    assertThat(calls).extracting(Call::uri).containsExactly("/records/expenses/1", "/records/expenses/2");
    assertThat(calls.get(1).body().toString()).isEqualTo("{\"id\":\"2\"}");
    assertThat(calls.get(1).headers().get(Headers.CONTENT_TYPE)).isEqualTo(Headers.JSON);
  }

  @Test
  void aCreateGivesUpAfterItsAttemptsAndSaysTheKeysWereAllocated() throws Exception {
    node = c -> problem(Problem.of(409, "conflict", "Conflict", "taken"), "a");
    RecordResult r = await(service().create(null, key -> Buffer.buffer("{}"), null));
    assertThat(r).isEqualTo(new RecordResult.Conflict("no free id found in " + ID_ATTEMPTS + " attempts", null, true));
    assertThat(calls).hasSize(ID_ATTEMPTS);
  }

  @Test
  void aCreateWithItsOwnKeyThatIsTakenIsTheNodesConflict() throws Exception {
    node = c -> problem(Problem.of(409, "conflict", "Conflict", "expenses/x already exists"), "a");
    assertThat(await(service().create("x", key -> Buffer.buffer("{}"), null)))
        .isEqualTo(new RecordResult.Conflict("expenses/x already exists", "a", false));
    assertThat(calls).hasSize(1);
  }

  @Test
  void noIdIsUnavailable() throws Exception {
    ids = new IdAllocator() {
      @Override
      public Future<Long> next(String collection) {
        return Future.failedFuture("redis is down");
      }

      @Override
      public Future<Long> nextAbove(String collection, long floor) {
        return next(collection);
      }
    };
    RecordResult r = await(service().create(null, key -> Buffer.buffer("{}"), null));
    assertThat(r).isEqualTo(new RecordResult.Unavailable(RecordResult.Reason.IDS, "no id could be allocated: redis is down",
        false, null, null));
    assertThat(calls).isEmpty();
  }

  @Test
  void aPatchSendsItsPreconditionAndHearsTheCurrentVersionWhenItFails() throws Exception {
    node = c -> problem(Problem.of(412, "precondition-failed", "Precondition failed", "expenses/k1 is at version 5"), "a",
        Headers.ETAG, RecordVersions.etag(5));
    RecordResult r = await(service().patch("k1", Buffer.buffer("{}"), IfMatch.version(4), null));
    assertThat(r).isEqualTo(new RecordResult.PreconditionFailed(5L, "expenses/k1 is at version 5", "a"));
    assertThat(calls.get(0).method()).isEqualTo(HttpMethod.PATCH);
    assertThat(calls.get(0).headers().get(Headers.IF_MATCH)).isEqualTo("\"4\"");
  }

  @Test
  void acknowledgedWritesSayWhatChanged() throws Exception {
    Buffer record = Buffer.buffer("{\"a\":1}");
    node = c -> c.method() == HttpMethod.DELETE ? answer(204, Buffer.buffer(), "a", 9) : answer(200, record, "a", 8);
    assertThat(await(service().replace("k1", record, IfMatch.ANY, null)))
        .isEqualTo(new RecordResult.Written(RecordResult.Change.REPLACED, "k1", record, 8, "a"));
    assertThat(calls.get(0).headers().get(Headers.IF_MATCH)).isEqualTo("*");
    assertThat(await(service().delete("k1", IfMatch.NONE, null)))
        .isEqualTo(new RecordResult.Written(RecordResult.Change.DELETED, "k1", null, 9, "a"));
    assertThat(calls.get(1).headers().contains(Headers.IF_MATCH)).isFalse();
  }

  @Test
  void aWriteThatTimedOutMayHaveBeenAppliedAndIsSaidSo() throws Exception {
    node = c -> Future.failedFuture(new BackendUnavailable(BackendUnavailable.Reason.TIMEOUT, "a did not answer: timeout"));
    RecordResult.Unavailable u = (RecordResult.Unavailable) await(service().patch("k1", Buffer.buffer("{}"), IfMatch.NONE,
        null));
    assertThat(u.reason()).isEqualTo(RecordResult.Reason.TIMEOUT);
    assertThat(u.mayHaveBeenApplied()).isTrue();
    assertThat(u.detail()).isEqualTo("a did not answer: timeout; the write may or may not have been applied");
    assertThat(calls).hasSize(1);
    assertThat(unavailable).containsExactly(RecordResult.Reason.TIMEOUT);
  }

  @Test
  void anUnacknowledgedWriteIsUnavailableAndMayHaveBeenApplied() throws Exception {
    node = c -> refusal(Refusal.UNACKNOWLEDGED, "b did not confirm", "a");
    assertThat(await(service().create("k1", key -> Buffer.buffer("{}"), null))).isEqualTo(new RecordResult.Unavailable(
        RecordResult.Reason.UNACKNOWLEDGED, "b did not confirm", true, "a", null));
    assertThat(calls).hasSize(1);
  }

  @Test
  void aReadTimeoutAppliedNothingAndOtherAnswersArePassedOn() throws Exception {
    node = c -> Future.failedFuture(new BackendUnavailable(BackendUnavailable.Reason.TIMEOUT, c.node() + ": timeout"));
    RecordResult.Unavailable u = (RecordResult.Unavailable) await(service().get("k1",
        RecordService.ReadFrom.CACHE_OR_SHARD, null));
    assertThat(u.mayHaveBeenApplied()).isFalse();
    assertThat(u.detail()).doesNotContain("may or may not");

    node = c -> Future.succeededFuture(new BackendResponse(500, MultiMap.caseInsensitiveMultiMap()
        .set(Headers.SERVED_BY, c.node()), Buffer.buffer("boom")));
    RecordResult r = await(service().get("k1", RecordService.ReadFrom.CACHE_OR_SHARD, null));
    assertThat(r).isInstanceOf(RecordResult.NodeFailed.class);
    assertThat(((RecordResult.NodeFailed) r).detail()).endsWith(" answered 500");
  }

  private RecordService service() {
    RoutingTable routing = new RoutingTable(Placement.rendezvous(), 16, 2);
    routing.update(new MembershipView(Map.of("a", A, "b", B), Set.of("a", "b")));
    Failover failover = new Failover(Settings.Replication.DEFAULTS, ms -> Future.succeededFuture(), FailoverStats.NONE);
    Settings.Collection collection = new Settings.Collection("expenses", "/v1/expenses", "id", new JsonObject(),
        new JsonObject(), new Settings.CollectionCache(false, 60_000));
    GatewayCache cache = GatewayCache.create(routing, new SimpleMeterRegistry(), 5000, CacheClient.Options.DEFAULTS,
        MemberAuth.none());
    NodeClient client = new NodeClient() {
      @Override
      public Future<BackendResponse> call(MemberInfo member, HttpMethod method, String uri, MultiMap headers, Buffer body) {
        Call call = new Call(member.id(), method, uri, headers, body);
        calls.add(call);
        return node.apply(call);
      }

      @Override
      public Future<Void> close() {
        return Future.succeededFuture();
      }
    };
    return new RecordService("expenses", routing, failover, client, cache.collection(collection, cache.client(vertx)), ids,
        ID_ATTEMPTS, vertx.getOrCreateContext(), unavailable::add);
  }

  private static RecordResult await(Future<RecordResult> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  private static Future<BackendResponse> answer(int status, Buffer body, String node, long version) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().set(Headers.SERVED_BY, node)
        .set(Headers.ETAG, RecordVersions.etag(version)).set(Headers.RECORD_VERSION, Long.toString(version));
    return Future.succeededFuture(new BackendResponse(status, headers, body));
  }

  private static Future<BackendResponse> problem(Problem problem, String node, String... extra) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().set(Headers.SERVED_BY, node)
        .set(Headers.CONTENT_TYPE, Problem.CONTENT_TYPE);
    for (int i = 0; i < extra.length; i += 2) {
      headers.set(extra[i], extra[i + 1]);
    }
    return Future.succeededFuture(new BackendResponse(problem.status(), headers, problem.toJson().toBuffer()));
  }

  private static Future<BackendResponse> refusal(Refusal refusal, String detail, String node) {
    return problem(Problem.of(refusal.status(), refusal.code(), "Refused", detail), node, Headers.REFUSAL, refusal.code());
  }

}
