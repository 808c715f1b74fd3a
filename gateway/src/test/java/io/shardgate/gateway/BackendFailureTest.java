package io.shardgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardgate.cluster.security.MemberAuth;
import io.shardgate.cluster.config.ConfigLoader;
import io.shardgate.cluster.config.Settings;
import io.shardgate.cluster.ids.IdAllocator;
import io.shardgate.cluster.membership.MemberInfo;
import io.shardgate.cluster.membership.Registry;
import io.shardgate.cluster.membership.Role;
import io.shardgate.cluster.runtime.ShardgateVertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A real gateway against shard "nodes" that misbehave on loopback: one accepts connections and never
 * answers, one refuses them. Every request must end in a 503 with Retry-After within the backend
 * deadline, never hang, and a full pool must refuse at once instead of queueing.
 */
class BackendFailureTest {
  private static final long DEADLINE_MS = 300;

  private ShardgateVertx runtime;
  private NetServer blackHole;
  private int gatewayPort;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeEach
  void start() throws Exception {
    runtime = ShardgateVertx.create();
    blackHole = runtime.vertx().createNetServer().connectHandler(socket -> { }).listen(0, "127.0.0.1").await();
    gatewayPort = freePort();
    Settings.Shardgate config = ConfigLoader.load(Path.of("..", "conf", "shardgate.json"), Map.of(), List.of(
        "gateway.port=" + gatewayPort, "gateway.instances=1", "gateway.backend.timeoutMs=" + DEADLINE_MS,
        "gateway.backend.poolSize=1", "gateway.backend.maxWaitQueue=0"));
    Registry registry = Registry.inProcess();
    // One node only, so that every key's primary is the misbehaving node under test.
    registry.join(new MemberInfo("hole", Role.SHARD, "127.0.0.1", blackHole.actualPort(), 1)).await();
    registry.renewLease("hole", 60_000).await();
    Gateway.deploy(runtime, config, registry, IdAllocator.inProcess(), MemberAuth.none()).await();
  }

  @AfterEach
  void stop() {
    runtime.vertx().close().await();
  }

  @Test
  void aNodeThatNeverAnswersGivesA503WithinTheDeadline() throws Exception {
    long t0 = System.nanoTime();
    HttpResponse<String> r = get("/v1/expenses/1");
    long millis = (System.nanoTime() - t0) / 1_000_000;
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.headers().firstValue("retry-after")).hasValue("1");
    assertThat(r.headers().firstValue("content-type")).hasValue("application/problem+json");
    assertThat(new JsonObject(r.body()).getString("detail")).contains("hole").contains("timeout");
    assertThat(millis).isBetween(DEADLINE_MS - 50, DEADLINE_MS + 1500);
  }

  @Test
  void aFullPoolRefusesAtOnceInsteadOfQueueing() throws Exception {
    List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      inFlight.add(http.sendAsync(request("/v1/expenses/" + i), HttpResponse.BodyHandlers.ofString()));
    }
    List<String> details = new ArrayList<>();
    for (CompletableFuture<HttpResponse<String>> f : inFlight) {
      HttpResponse<String> r = f.get();
      assertThat(r.statusCode()).isEqualTo(503);
      details.add(new JsonObject(r.body()).getString("detail"));
    }
    assertThat(details).anySatisfy(d -> assertThat(d).contains("overload"));
    String metrics = get("/metrics").body();
    assertThat(metrics).contains("shardgate_gateway_unavailable_total{collection=\"expenses\",reason=\"overload\"}");
  }

  @Test
  void aRefusedConnectionGivesAFast503() throws Exception {
    Registry registry = Registry.inProcess();
    int closed = freePort();
    ShardgateVertx other = ShardgateVertx.create();
    int port = freePort();
    try {
      Settings.Shardgate config = ConfigLoader.load(Path.of("..", "conf", "shardgate.json"), Map.of(),
          List.of("gateway.port=" + port, "gateway.instances=1"));
      registry.join(new MemberInfo("gone", Role.SHARD, "127.0.0.1", closed, 1)).await();
      registry.renewLease("gone", 60_000).await();
      Gateway.deploy(other, config, registry, IdAllocator.inProcess(), MemberAuth.none()).await();
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/expenses/1"))
          .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(503);
      assertThat(new JsonObject(r.body()).getString("detail")).contains("gone").contains("connect");
    } finally {
      other.vertx().close().await();
    }
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(request(path), HttpResponse.BodyHandlers.ofString());
  }

  private HttpRequest request(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gatewayPort + path)).timeout(Duration.ofSeconds(10)).build();
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
