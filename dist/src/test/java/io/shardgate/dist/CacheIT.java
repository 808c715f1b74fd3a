package io.shardgate.dist;

import static io.shardgate.dist.Http.expense;
import static io.shardgate.dist.Http.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.shardgate.dist.chaos.LoadDriver;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cache tier with real processes: a gateway, three shard nodes on MariaDB and two cache nodes,
 * all registered in Redis. Shard reads are counted from the shard nodes' own /metrics.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CacheIT {
  private static final Pattern GET_COUNT =
      Pattern.compile("shardgate_node_requests_seconds_count\\{node=\"[^\"]+\",op=\"get\",status=\"[0-9]+\"} ([0-9.]+)");

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  static Path dir;
  static ProcessCluster cluster;
  static Http http;

  @BeforeAll
  static void start() throws Exception {
    cluster = new ProcessCluster(dir, 3, 2, new JsonObject());
    cluster.startAll();
    http = new Http(cluster.gateway());
    ProcessCluster.awaitCondition(Duration.ofSeconds(20), "shard and cache nodes live", () -> {
      JsonArray members = cluster.members();
      return members != null && members.size() == 5
          && members.stream().allMatch(m -> ((JsonObject) m).getBoolean("live"));
    });
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) {
      cluster.shutDownAndCheck();
    }
  }

  @Test
  @Order(1)
  void repeatedReadsAreHitsAndTouchNoShardNode() {
    assertThat(http.postJson("/v1/expenses", expense("hot-1")).statusCode()).isEqualTo(201);
    ProcessCluster.awaitCondition(Duration.ofSeconds(5), "the record is cached",
        () -> "HIT".equals(http.get("/v1/expenses/hot-1").headers().firstValue("x-cache").orElse("")));
    double before = shardGets();
    for (int i = 0; i < 5; i++) {
      HttpResponse<String> r = http.get("/v1/expenses/hot-1");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("x-cache")).hasValue("HIT");
      assertThat(json(r).getString("id")).isEqualTo("hot-1");
    }
    assertThat(shardGets()).as("shard nodes' read counters").isEqualTo(before);
  }

  @Test
  @Order(2)
  void fiveHundredConcurrentReadsOfAColdKeyMakeOneShardRead() throws Exception {
    // Written straight to its primary shard node, so no cache node has heard of it: a cold key.
    JsonObject placement = cluster.placement("cold-1");
    String address = placement.getJsonArray("replicas").getJsonObject(0).getString("address");
    HttpResponse<String> direct = cluster.node(address).postJson("/records/expenses/cold-1",
        expense("cold-1").put("status", "pending").put("decision_date", ""));
    assertThat(direct.statusCode()).as(direct.body()).isEqualTo(201);
    double before = shardGets();
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    List<CompletableFuture<HttpResponse<String>>> reads = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      reads.add(client.sendAsync(HttpRequest.newBuilder(URI.create(cluster.gateway() + "/v1/expenses/cold-1"))
          .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString()));
    }
    for (CompletableFuture<HttpResponse<String>> read : reads) {
      assertThat(read.get().statusCode()).isEqualTo(200);
    }
    // Requests that arrive after the first read completed hit the cache or start no second read.
    assertThat(shardGets() - before).as("shard reads for 500 concurrent GETs of a cold key").isEqualTo(1);
  }

  @Test
  @Order(3)
  void manyWritersAndReadersOnFewKeysNeverReadOlderThanAnAcknowledgedWrite() throws Exception {
    LoadDriver load = new LoadDriver(cluster.gateway(), "race", 4, 4, 8);
    load.start();
    ProcessCluster.awaitProgress(load, 400, Duration.ofSeconds(60), "acknowledged writes");
    LoadDriver.Report report = load.stopAndVerify();
    System.out.println("CacheIT races: " + report.summary());
    assertThat(report.problems()).as(report.summary()).isEmpty();
    assertThat(report.staleReads()).isZero();
    assertThat(report.lostWrites()).isZero();
    assertThat(report.writeErrors() + report.readErrors()).isZero();
  }

  @Test
  @Order(4)
  void killingACacheNodeFailsNoRequest() throws Exception {
    LoadDriver load = new LoadDriver(cluster.gateway(), "cachekill", 20, 4, 8);
    load.start();
    ProcessCluster.awaitProgress(load, 100, Duration.ofSeconds(30), "writes before the kill");
    cluster.kill("cache-1");
    ProcessCluster.awaitProgress(load, 300, Duration.ofSeconds(30), "writes after the kill");
    LoadDriver.Report report = load.stopAndVerify();
    System.out.println("CacheIT cache node killed: " + report.summary());
    assertThat(report.problems()).as(report.summary()).isEmpty();
    assertThat(report.writeErrors() + report.readErrors()).as("no request fails: %s", report.summary()).isZero();
    HttpResponse<String> r = http.get("/v1/expenses/cachekill-3");
    ProcessCluster.awaitCondition(Duration.ofSeconds(10), "hits again on the surviving cache node",
        () -> "HIT".equals(http.get("/v1/expenses/cachekill-3").headers().firstValue("x-cache").orElse("")));
    assertThat(r.statusCode()).isEqualTo(200);
  }

  /** Reads served by shard nodes so far, summed over every node's /metrics. */
  private static double shardGets() {
    double total = 0;
    for (int port : cluster.shardPorts.values()) {
      Matcher m = GET_COUNT.matcher(cluster.node("127.0.0.1:" + port).get("/metrics").body());
      while (m.find()) {
        total += Double.parseDouble(m.group(1));
      }
    }
    return total;
  }
}
