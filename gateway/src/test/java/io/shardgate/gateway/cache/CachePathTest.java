package io.shardgate.gateway.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.shardgate.cluster.security.MemberAuth;
import io.shardgate.cluster.config.ConfigLoader;
import io.shardgate.cluster.config.Settings;
import io.shardgate.cluster.ids.IdAllocator;
import io.shardgate.cluster.membership.MemberInfo;
import io.shardgate.cluster.membership.Registry;
import io.shardgate.cluster.membership.Role;
import io.shardgate.cluster.runtime.ShardgateVertx;
import io.shardgate.gateway.Gateway;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real gateways (two verticles each) on loopback in front of a shard node and a cache node that speak
 * the real HTTP contracts (see {@link FakeShardNode}, {@link FakeCacheNode}). Unless a test is about the
 * lookup deadline, lookups get a generous one, so that a loaded test machine cannot turn an expected hit
 * or miss into a bypass; waits are generous for the same reason.
 */
class CachePathTest {
  private static final Path SHIPPED = Path.of("..", "conf", "shardgate.json");
  private static final CacheClient.Options PATIENT = new CacheClient.Options(3000, 3000, 1000, 16, 1024);
  private static final long WAIT_MS = 15_000;
  private static final JsonObject ADA = new JsonObject().put("id", "1").put("name", "Ada").put("email", "ada@example.com");

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private final List<ShardgateVertx> gateways = new ArrayList<>();
  private Vertx fakes;
  private FakeShardNode shard;
  private FakeCacheNode cache;
  private Registry registry;

  @BeforeEach
  void start() {
    fakes = Vertx.vertx();
    shard = new FakeShardNode().start(fakes).await();
    cache = new FakeCacheNode().start(fakes).await();
    registry = Registry.inProcess();
    member("shard-1", Role.SHARD, shard.port());
    shard.put("1", ADA);
  }

  @AfterEach
  void stop() {
    for (ShardgateVertx g : gateways) {
      g.vertx().close().await();
    }
    fakes.close().await();
  }

  @Test
  void aSecondReadIsAHitAndNeverReachesTheShard() throws Exception {
    member("cache-1", Role.CACHE, cache.port());
    Gw gw = gateway(SHIPPED);

    HttpResponse<String> first = gw.get("1");
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.headers().firstValue("x-cache")).hasValue("MISS");
    assertThat(first.headers().firstValue("etag")).hasValue("\"1\"");
    assertThat(first.headers().firstValue("x-served-by")).hasValue("shard-1");
    eventually(() -> cache.entry("expenses", "1") != null, "the miss filled the cache");
    assertThat(cache.ttls()).containsOnly(60_000L);
    assertThat(shard.reads()).isEqualTo(1);

    HttpResponse<String> second = gw.get("1");
    assertThat(second.statusCode()).isEqualTo(200);
    assertThat(second.headers().firstValue("x-cache")).hasValue("HIT");
    assertThat(second.headers().firstValue("etag")).hasValue("\"1\"");
    assertThat(second.headers().firstValue("x-served-by")).hasValue("cache-1");
    assertThat(second.headers().firstValue("content-type")).hasValue("application/json");
    assertThat(new JsonObject(second.body())).isEqualTo(ADA);

    HttpResponse<String> notModified = gw.get("1", "If-None-Match", "\"1\"");
    assertThat(notModified.statusCode()).isEqualTo(304);
    assertThat(notModified.headers().firstValue("x-cache")).hasValue("HIT");
    assertThat(notModified.headers().firstValue("etag")).hasValue("\"1\"");
    assertThat(shard.reads()).as("hits never reach the shard").isEqualTo(1);

    assertThat(gw.count("shardgate.gateway.cache.hits")).isEqualTo(2);
    assertThat(gw.count("shardgate.gateway.cache.misses")).isEqualTo(1);
    assertThat(gw.count("shardgate.gateway.cache.fills", "outcome", "stored")).isEqualTo(1);
    String metrics = gw.get("/metrics", List.of()).body();
    assertThat(metrics).contains("shardgate_gateway_cache_hits_total{collection=\"expenses\"} 2.0")
        .contains("shardgate_gateway_cache_fills_total{collection=\"expenses\",outcome=\"stored\"} 1.0");
  }

  @Test
  void ifNoneMatchAndMissingRecordsWorkOnTheShardPath() throws Exception {
    member("cache-1", Role.CACHE, cache.port());
    Gw gw = gateway(SHIPPED);
    HttpResponse<String> notModified = gw.get("1", "If-None-Match", "\"0\", \"1\"");
    assertThat(notModified.statusCode()).isEqualTo(304);
    assertThat(notModified.headers().firstValue("x-cache")).hasValue("MISS");
    assertThat(notModified.headers().firstValue("etag")).hasValue("\"1\"");
    HttpResponse<String> missing = gw.get("404");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.headers().firstValue("x-cache")).hasValue("MISS");
    gw.get("404");
    assertThat(shard.reads()).as("a missing record is not cached").isEqualTo(3);
    assertThat(cache.entry("expenses", "404")).isNull();
  }

  @Test
  void concurrentColdReadsOfOneRecordMakeOneShardRead() throws Exception {
    member("cache-1", Role.CACHE, cache.port());
    Gw gw = gateway(SHIPPED, PATIENT, "gateway.requestTimeoutMs=60000");
    int clients = 500;
    // Hold the shard's answer until every other request is waiting for it (or give up after a while).
    Promise<Void> release = Promise.promise();
    long poll = fakes.setPeriodic(5, t -> {
      if (gw.count("shardgate.gateway.cache.coalesced") >= clients - 1) {
        release.tryComplete();
      }
    });
    fakes.setTimer(WAIT_MS, t -> release.tryComplete());
    shard.holdReads(release::future);

    List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      inFlight.add(http.sendAsync(gw.request("/v1/expenses/1", List.of()), HttpResponse.BodyHandlers.ofString()));
    }
    Set<String> bodies = new HashSet<>();
    Set<String> cacheHeaders = new HashSet<>();
    for (CompletableFuture<HttpResponse<String>> f : inFlight) {
      HttpResponse<String> r = f.get();
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      bodies.add(r.body());
      cacheHeaders.add(r.headers().firstValue("x-cache").orElse("none"));
    }
    fakes.cancelTimer(poll);
    assertThat(shard.reads()).isEqualTo(1);
    assertThat(gw.count("shardgate.gateway.cache.coalesced")).isEqualTo(clients - 1);
    assertThat(bodies).singleElement().satisfies(b -> assertThat(new JsonObject(b)).isEqualTo(ADA));
    assertThat(cacheHeaders).isSubsetOf("MISS", "BYPASS");
  }

  @Test
  void aCacheNodeThatIsDownIsBypassed() throws Exception {
    member("cache-1", Role.CACHE, closedPort());
    Gw gw = gateway(SHIPPED);
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> r = gw.get("1");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("x-cache")).hasValue("BYPASS");
      assertThat(new JsonObject(r.body())).isEqualTo(ADA);
    }
    assertThat(shard.reads()).isEqualTo(3);
    assertThat(gw.count("shardgate.gateway.cache.bypasses", "reason", "connect")).isEqualTo(3);
    HttpResponse<String> update = gw.put("1", "{\"name\":\"Grace\"}");
    assertThat(update.statusCode()).isEqualTo(202);
    eventually(() -> gw.count("shardgate.gateway.cache.invalidations", "outcome", "failed") == 1,
        "the failed invalidation is counted");
    assertThat(gw.get("1").body()).contains("Grace");
  }

  @Test
  void aCacheNodeThatHangsIsBypassedWithinItsDeadline() throws Exception {
    NetServer blackHole = fakes.createNetServer().connectHandler(socket -> { }).listen(0, "127.0.0.1").await();
    member("cache-1", Role.CACHE, blackHole.actualPort());
    // Without its own deadline a lookup would wait for the request's (20 s) and answer 503.
    Gw gw = gateway(SHIPPED, CacheClient.Options.DEFAULTS, "gateway.requestTimeoutMs=20000");
    for (int i = 0; i < 5; i++) {
      long t0 = System.nanoTime();
      HttpResponse<String> r = gw.get("1");
      long millis = (System.nanoTime() - t0) / 1_000_000;
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("x-cache")).hasValue("BYPASS");
      assertThat(millis).as("bounded by the lookup deadline, not the request's").isLessThan(10_000);
    }
    // More requests than the cache pool and its queue hold: still no error, only bypasses.
    List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      inFlight.add(http.sendAsync(gw.request("/v1/expenses/1", List.of()), HttpResponse.BodyHandlers.ofString()));
    }
    for (CompletableFuture<HttpResponse<String>> f : inFlight) {
      assertThat(f.get().statusCode()).isEqualTo(200);
      assertThat(f.get().headers().firstValue("x-cache")).hasValue("BYPASS");
    }
    assertThat(gw.count("shardgate.gateway.cache.bypasses", "reason", "timeout")).isGreaterThanOrEqualTo(5);
  }

  @Test
  void noReadAfterAnAcknowledgedWriteReturnsOlderData() throws Exception {
    member("cache-1", Role.CACHE, cache.port());
    Gw gw = gateway(SHIPPED);
    gw.get("1");
    eventually(() -> cache.entry("expenses", "1") != null, "version 1 cached");
    assertThat(gw.get("1").headers().firstValue("x-cache")).hasValue("HIT");
    // The cache node applies no update (write-through fill or invalidation) of version 2 or later
    // until the reads below are done: the stale copy is still there right after each acknowledged write.
    Promise<Void> late = Promise.promise();
    cache.holdInvalidations(v -> late.future());
    cache.holdFills(v -> v >= 2 ? late.future() : Future.succeededFuture());

    for (int version = 2; version <= 4; version++) {
      HttpResponse<String> update = gw.put("1", "{\"name\":\"v" + version + "\"}");
      assertThat(update.statusCode()).isEqualTo(202);
      assertThat(update.headers().firstValue("etag")).hasValue("\"" + version + "\"");
      HttpResponse<String> read = gw.get("1");
      assertThat(read.headers().firstValue("etag")).hasValue("\"" + version + "\"");
      assertThat(new JsonObject(read.body()).getString("name")).isEqualTo("v" + version);
    }
    assertThat(cache.entry("expenses", "1").version()).as("still the stale copy").isEqualTo(1);
    assertThat(gw.count("shardgate.gateway.cache.bypasses", "reason", "invalidating")).isEqualTo(3);
    fakes.runOnContext(v -> late.complete());
    eventually(() -> cache.entry("expenses", "1").version() == 4, "the newest write is written through");
    eventually(() -> gw.count("shardgate.gateway.cache.invalidations", "outcome", "sent") == 3, "counted");
    HttpResponse<String> afterWrites = gw.get("1");
    assertThat(afterWrites.headers().firstValue("x-cache")).as("written records stay cached").hasValue("HIT");
    assertThat(afterWrites.headers().firstValue("etag")).hasValue("\"4\"");
    assertThat(new JsonObject(afterWrites.body()).getString("name")).isEqualTo("v4");

    assertThat(gw.delete("1").statusCode()).isEqualTo(204);
    assertThat(gw.get("1").statusCode()).isEqualTo(404);
    eventually(() -> cache.invalidations().contains(5L), "a delete leaves a tombstone at its version");
    HttpResponse<String> created = gw.post("{\"id\":\"1\",\"name\":\"again\",\"email\":\"a@example.com\","
        + "\"category\":\"travel\",\"estimated_costs\":\"12\",\"submit_date\":\"01-02-2026\"}");
    assertThat(created.statusCode()).isEqualTo(201);
    assertThat(created.headers().firstValue("etag")).hasValue("\"6\"");
    HttpResponse<String> recreated = gw.get("1");
    assertThat(recreated.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(recreated.body()).getString("name")).isEqualTo("again");
    eventually(() -> cache.entry("expenses", "1").version() == 6, "a create is written through over the tombstone");
  }

  @Test
  void aSlowFillOfAnOldVersionNeverOutlivesANewerWrite() throws Exception {
    member("cache-1", Role.CACHE, cache.port());
    Gw a = gateway(SHIPPED);
    // The fill of version 1 reaches the cache node only after the write-through of version 2 did
    // (or after a while, when the gateway never sent it: then the test fails below).
    Promise<Void> invalidated = Promise.promise();
    fakes.setTimer(WAIT_MS / 2, t -> invalidated.tryComplete());
    cache.holdFills(v -> {
      if (v >= 2) {
        fakes.runOnContext(x -> invalidated.tryComplete());
        return Future.succeededFuture();
      }
      return invalidated.future();
    });

    long t0 = System.nanoTime();
    HttpResponse<String> old = a.get("1");
    assertThat((System.nanoTime() - t0) / 1_000_000).as("the held fill does not delay the answer").isLessThan(WAIT_MS / 3);
    assertThat(old.headers().firstValue("x-cache")).hasValue("MISS");
    assertThat(old.headers().firstValue("etag")).hasValue("\"1\"");
    assertThat(a.put("1", "{\"name\":\"Grace\"}").statusCode()).isEqualTo(202);
    eventually(() -> a.count("shardgate.gateway.cache.fills", "outcome", "rejected") == 1,
        "the old fill is refused by the newer entry");
    assertThat(cache.entry("expenses", "1").version()).isEqualTo(2);

    // Another gateway process has no memory of the write: only the cache node's version protects its readers.
    Gw b = gateway(SHIPPED);
    for (Gw gw : List.of(a, b, a, b)) {
      HttpResponse<String> r = gw.get("1");
      assertThat(r.headers().firstValue("etag")).hasValue("\"2\"");
      assertThat(new JsonObject(r.body()).getString("name")).isEqualTo("Grace");
    }
    assertThat(a.count("shardgate.gateway.cache.fills", "outcome", "stored")
        + b.count("shardgate.gateway.cache.fills", "outcome", "stored")).isZero();
  }

  @Test
  void aGetThatAsksNotToBeServedFromACacheReadsTheShardAndFillsNothing() throws Exception {
    member("cache-1", Role.CACHE, cache.port());
    Gw gw = gateway(SHIPPED);
    // Cached by a write-through rather than a miss, whose shard read stays shared a while after its fill.
    assertThat(gw.put("1", "{\"name\":\"Grace\"}").statusCode()).isEqualTo(202);
    eventually(() -> gw.count("shardgate.gateway.cache.invalidations", "outcome", "sent") == 1, "written through");
    assertThat(gw.get("1").headers().firstValue("x-cache")).hasValue("HIT");
    // A change this gateway never saw: the cache keeps version 2 while the shard has version 3.
    shard.put("1", ADA.copy().put("name", "Lin"));
    int cacheRequests = cache.requests();
    int shardReads = shard.reads();

    List<List<String>> asks = List.of(List.of("Cache-Control", "no-cache"), List.of("Pragma", "no-cache"),
        List.of("cache-control", "private, MAX-AGE=0"));
    for (List<String> ask : asks) {
      HttpResponse<String> fresh = gw.get("/v1/expenses/1", ask);
      assertThat(fresh.statusCode()).isEqualTo(200);
      assertThat(fresh.headers().firstValue("x-cache")).as(ask.toString()).hasValue("BYPASS");
      assertThat(fresh.headers().firstValue("etag")).hasValue("\"3\"");
      assertThat(fresh.headers().firstValue("x-served-by")).hasValue("shard-1");
      assertThat(new JsonObject(fresh.body()).getString("name")).isEqualTo("Lin");
    }
    assertThat(shard.reads()).isEqualTo(shardReads + asks.size());
    assertThat(cache.requests()).as("no lookup, no fill").isEqualTo(cacheRequests);
    assertThat(gw.count("shardgate.gateway.cache.bypasses", "reason", "request")).isEqualTo(asks.size());

    HttpResponse<String> cached = gw.get("1");
    assertThat(cached.headers().firstValue("x-cache")).hasValue("HIT");
    assertThat(cached.headers().firstValue("etag")).as("still the copy from before the bypasses").hasValue("\"2\"");
    assertThat(cache.requests()).as("only this lookup").isEqualTo(cacheRequests + 1);
    assertThat(shard.reads()).isEqualTo(shardReads + asks.size());
  }

  @Test
  void aCollectionWithTheCacheDisabledReadsTheShardAndSaysBypass(@TempDir Path dir) throws Exception {
    member("cache-1", Role.CACHE, cache.port());
    Files.writeString(dir.resolve("shardgate.json"), Files.readString(SHIPPED));
    Files.createDirectories(dir.resolve("collections"));
    JsonObject expenses = new JsonObject(Files.readString(SHIPPED.resolveSibling("collections").resolve("expenses.json")));
    expenses.put("cache", new JsonObject().put("enabled", false));
    Files.writeString(dir.resolve("collections").resolve("expenses.json"), expenses.encode());
    Gw gw = gateway(dir.resolve("shardgate.json"));
    for (List<String> headers : List.of(List.<String>of(), List.of("Cache-Control", "no-cache"))) {
      HttpResponse<String> r = gw.get("/v1/expenses/1", headers);
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("x-cache")).hasValue("BYPASS");
    }
    assertThat(gw.put("1", "{\"name\":\"Grace\"}").statusCode()).isEqualTo(202);
    assertThat(gw.get("1").body()).contains("Grace");
    assertThat(shard.reads()).isEqualTo(3);
    assertThat(cache.requests()).as("the cache node is never asked").isZero();
    assertThat(gw.count("shardgate.gateway.cache.bypasses", "reason", "disabled")).isEqualTo(3);
  }

  /** One gateway process under test: its port and its metrics. */
  private final class Gw {
    final ShardgateVertx runtime;
    final int port;

    Gw(ShardgateVertx runtime, int port) {
      this.runtime = runtime;
      this.port = port;
    }

    HttpResponse<String> get(String key, String... headers) throws Exception {
      return get("/v1/expenses/" + key, List.of(headers));
    }

    HttpResponse<String> get(String path, List<String> headers) throws Exception {
      return http.send(request(path, headers), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> put(String key, String json) throws Exception {
      return send(HttpRequest.newBuilder(uri("/v1/expenses/" + key)).PUT(HttpRequest.BodyPublishers.ofString(json)));
    }

    HttpResponse<String> post(String json) throws Exception {
      return send(HttpRequest.newBuilder(uri("/v1/expenses")).POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    HttpResponse<String> delete(String key) throws Exception {
      return send(HttpRequest.newBuilder(uri("/v1/expenses/" + key)).DELETE());
    }

    HttpRequest request(String path, List<String> headers) {
      HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(90));
      for (int i = 0; i < headers.size(); i += 2) {
        b.header(headers.get(i), headers.get(i + 1));
      }
      return b.build();
    }

    double count(String name, String... tags) {
      Counter c = runtime.registry().find(name).tag("collection", "expenses").tags(tags).counter();
      return c == null ? 0 : c.count();
    }

    private HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
      return http.send(b.header("content-type", "application/json").timeout(Duration.ofSeconds(90)).build(),
          HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
      return URI.create("http://127.0.0.1:" + port + path);
    }
  }

  private Gw gateway(Path config) throws Exception {
    return gateway(config, PATIENT);
  }

  private Gw gateway(Path config, CacheClient.Options options, String... sets) throws Exception {
    ShardgateVertx runtime = ShardgateVertx.create();
    gateways.add(runtime);
    int port = closedPort();
    List<String> overrides = new ArrayList<>(List.of("gateway.port=" + port, "gateway.instances=2"));
    overrides.addAll(List.of(sets));
    Settings.Shardgate settings = ConfigLoader.load(config, Map.of(), overrides);
    Gateway.deploy(runtime, settings, registry, IdAllocator.inProcess(), options, MemberAuth.none()).await();
    return new Gw(runtime, port);
  }

  private void member(String id, Role role, int port) {
    registry.join(new MemberInfo(id, role, "127.0.0.1", port, 1)).await();
    registry.renewLease(id, 60_000).await();
  }

  private static void eventually(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT_MS * 1_000_000;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + WAIT_MS + " ms: " + what);
      }
      Thread.sleep(5);
    }
  }

  /** A port nothing listens on (taken and released at once). */
  private static int closedPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
