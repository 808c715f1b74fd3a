package io.shardgate.dist;

import static io.shardgate.dist.Http.expense;
import static io.shardgate.dist.Http.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The end-to-end path in cluster mode: a gateway process and three shard-node processes started
 * from the built jar, against the real Redis and MariaDB of this machine.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {
  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  static Path dir;
  static ProcessCluster cluster;
  static Http http;
  static Vertx vertx;

  @BeforeAll
  static void start() throws Exception {
    cluster = new ProcessCluster(dir, 3, new JsonObject());
    cluster.startAll();
    http = new Http(cluster.gateway());
    vertx = Vertx.vertx();
    // Ready means the gateway has loaded membership; wait until it also sees every shard lease.
    ProcessCluster.awaitCondition(Duration.ofSeconds(20), "gateway sees 3 live shard nodes", () -> cluster.liveShards() == 3);
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) {
      cluster.shutDownAndCheck();
    }
    if (vertx != null) {
      vertx.close().await();
    }
  }

  @Test
  @Order(1)
  void createReadUpdateDeleteAnExpense() {
    HttpResponse<String> created = http.postJson("/v1/expenses", expense(1001));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(created.headers().firstValue("location")).hasValue("/v1/expenses/1001");
    assertThat(created.headers().firstValue("x-served-by")).isPresent();
    assertThat(created.headers().firstValue("x-request-id")).isPresent();
    JsonObject body = json(created);
    assertThat(body.getValue("id")).isEqualTo("1001");
    assertThat(body.getString("status")).isEqualTo("pending");
    assertThat(body.getString("decision_date")).isEqualTo("");
    assertThat(body.getString("category")).isEqualTo("travel");

    HttpResponse<String> read = http.get("/v1/expenses/1001");
    assertThat(read.statusCode()).isEqualTo(200);
    String etag = read.headers().firstValue("etag").orElseThrow();
    assertThat(json(read)).isEqualTo(body);
    assertThat(http.get("/v1/expenses/1001", "if-none-match", etag).statusCode()).isEqualTo(304);

    HttpResponse<String> updated = http.putJson("/v1/expenses/1001", new JsonObject().put("estimated_costs", "800"));
    assertThat(updated.statusCode()).as(updated.body()).isEqualTo(202);
    assertThat(json(updated).getString("estimated_costs")).isEqualTo("800");
    assertThat(json(updated).getString("name")).isEqualTo("Ada Lovelace");

    HttpResponse<String> stale = http.putJson("/v1/expenses/1001", new JsonObject().put("status", "approved"), "if-match", etag);
    assertThat(stale.statusCode()).isEqualTo(412);
    assertThat(stale.headers().firstValue("content-type")).hasValue("application/problem+json");
    assertThat(json(http.get("/v1/expenses/1001")).getString("status")).isEqualTo("pending");

    assertThat(http.postJson("/v1/expenses", expense(1001)).statusCode()).isEqualTo(409);
    assertThat(http.send("DELETE", "/v1/expenses/1001", null).statusCode()).isEqualTo(204);
    assertThat(http.get("/v1/expenses/1001").statusCode()).isEqualTo(404);
    assertThat(http.send("DELETE", "/v1/expenses/1001", null).statusCode()).isEqualTo(404);
  }

  @Test
  @Order(2)
  void gatewayAssignsUniqueIdsWhenTheClientSendsNone() {
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 10; i++) {
      HttpResponse<String> r = http.postJson("/v1/expenses", expense(null));
      assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
      String id = json(r).getString("id");
      assertThat(r.headers().firstValue("location")).hasValue("/v1/expenses/" + id);
      ids.add(id);
    }
    assertThat(ids).hasSize(10);
  }

  @Test
  @Order(3)
  void everyRecordLandsInTheDatabasesOfTheReplicasPlacementNames() {
    Map<String, Set<String>> expected = new HashMap<>();
    for (String node : cluster.shardPorts.keySet()) {
      expected.put(node, new HashSet<>());
    }
    Set<String> primaries = new HashSet<>();
    for (int id = 2001; id <= 2040; id++) {
      HttpResponse<String> r = http.postJson("/v1/expenses", expense(id));
      assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
      String servedBy = r.headers().firstValue("x-served-by").orElseThrow();
      JsonObject placement = cluster.placement(Integer.toString(id));
      JsonArray replicas = placement.getJsonArray("replicas");
      assertThat(replicas).hasSize(2);
      assertThat(replicas.getJsonObject(0).getString("id")).as("the primary of %s answered", id).isEqualTo(servedBy);
      primaries.add(servedBy);
      for (int i = 0; i < replicas.size(); i++) {
        expected.get(replicas.getJsonObject(i).getString("id")).add(Integer.toString(id));
      }
    }
    assertThat(primaries).as("40 ids spread their primaries over every node").hasSize(3);
    for (String node : cluster.shardPorts.keySet()) {
      Set<String> stored = keysIn(node);
      assertThat(stored).as("keys stored by %s", node).containsAll(expected.get(node));
      Set<String> elsewhere = new HashSet<>();
      for (int id = 2001; id <= 2040; id++) {
        if (!expected.get(node).contains(Integer.toString(id))) {
          elsewhere.add(Integer.toString(id));
        }
      }
      assertThat(stored).as("%s holds no key it is not a replica of", node).doesNotContainAnyElementsOf(elsewhere);
    }
  }

  @Test
  @Order(4)
  void badInputGetsA4xxProblemAndChangesNothing() {
    http.postJson("/v1/expenses", expense("guarded"));
    String before = http.get("/v1/expenses/guarded").body();
    String json = "application/json";
    List<HttpResponse<String>> answers = List.of(
        http.send("POST", "/v1/expenses", "{\"name\":", "content-type", json),
        http.send("POST", "/v1/expenses", "[1,2]", "content-type", json),
        http.send("POST", "/v1/expenses", expense("x1").encode(), "content-type", "text/plain"),
        http.send("POST", "/v1/expenses", expense("x2").encode()),
        http.send("POST", "/v1/expenses", "{\"id\":\"" + "a".repeat(200_000) + "\"}", "content-type", json),
        http.send("POST", "/v1/expenses", expense("x3").put("category", "food").encode(), "content-type", json),
        http.send("POST", "/v1/expenses", expense("../../etc").encode(), "content-type", json),
        http.send("POST", "/v1/expenses", expense(-5).encode(), "content-type", json),
        http.send("POST", "/v1/expenses", "{\"a\":" + "[".repeat(5000) + "]".repeat(5000) + "}", "content-type", json),
        http.send("PUT", "/v1/expenses/guarded", "{\"estimated_costs\":\"lots\"}", "content-type", json),
        http.send("PUT", "/v1/expenses/guarded", "{\"id\":\"other\"}", "content-type", json),
        http.send("PUT", "/v1/expenses/guarded", "{}", "content-type", json),
        http.send("PUT", "/v1/expenses/guarded", "{\"status\":\"approved\"}", "content-type", json, "if-match", "garbage"),
        http.get("/v1/expenses/" + "9".repeat(3000)),
        http.get("/v1/expenses/%00"),
        http.get("/v1/expenses/..%2F..%2Fadmin"),
        http.get("/v1/expenses/guarded", "x-big", "h".repeat(20_000)),
        http.send("PATCH", "/v1/expenses/guarded", "{}", "content-type", json),
        http.send("DELETE", "/v1/expenses", null),
        http.get("/v1/nothing-here"),
        http.get("/admin/members"),
        http.get("/admin/members", "authorization", "Bearer wrong"),
        http.get("/admin/placement?collection=expenses", "authorization", "Bearer " + cluster.adminToken));
    for (HttpResponse<String> r : answers) {
      assertThat(r.statusCode()).as("%s %s -> %s", r.request().method(), shortUri(r), r.body()).isBetween(400, 499);
      assertThat(r.headers().firstValue("content-type")).as("%s %s", r.request().method(), shortUri(r))
          .hasValue("application/problem+json");
      JsonObject problem = json(r);
      assertThat(problem.getInteger("status")).isEqualTo(r.statusCode());
      assertThat(problem.getString("detail")).isNotBlank();
    }
    assertThat(json(answers.get(5)).getString("field")).isEqualTo("category");
    assertThat(http.get("/v1/expenses/guarded").body()).isEqualTo(before);
    assertThat(http.get("/v1/expenses/x1").statusCode()).isEqualTo(404);
  }

  @Test
  @Order(5)
  void metricsCarryNoKeysAndNoClientAddresses() {
    String metrics = http.get("/metrics").body();
    assertThat(metrics).contains("shardgate_gateway_requests_seconds_count{op=\"expenses.create\",status=\"201\"}");
    assertThat(metrics).contains("route=\"/v1/expenses/:key\"");
    assertThat(metrics).doesNotContain("/v1/expenses/2001").doesNotContain("guarded").doesNotContain("remote=");
  }

  @Test
  @Order(6)
  void aKilledNodesKeysAreReadFromItsSuccessorAndWrittenThereOnceItsLeaseLapses() throws Exception {
    JsonObject placement = cluster.placement("7");
    String victim = placement.getJsonArray("replicas").getJsonObject(0).getString("id");
    String successor = placement.getJsonArray("replicas").getJsonObject(1).getString("id");
    assertThat(http.get("/v1/expenses/7").headers().firstValue("x-served-by")).hasValue(victim);
    cluster.kill(victim);
    HttpResponse<String> read = http.get("/v1/expenses/7");
    assertThat(read.statusCode()).as("a read right after the kill fails over: %s", read.body()).isEqualTo(200);
    assertThat(read.headers().firstValue("x-served-by")).hasValue(successor);
    // Until the victim's lease lapses, writes to its slots are refused fast; then the successor takes them.
    ProcessCluster.awaitCondition(Duration.ofSeconds(15), "the successor accepts writes for " + victim + "'s keys",
        () -> http.putJson("/v1/expenses/7", new JsonObject().put("estimated_costs", "77")).statusCode() == 202);
    HttpResponse<String> written = http.get("/v1/expenses/7");
    assertThat(json(written).getString("estimated_costs")).isEqualTo("77");
    cluster.startShard(victim);
    ProcessCluster.awaitCondition(Duration.ofSeconds(15), victim + " serves its keys again",
        () -> http.get("/v1/expenses/7").headers().firstValue("x-served-by").orElse("").equals(victim));
    assertThat(json(http.get("/v1/expenses/7")).getString("estimated_costs")).as("caught up on its return").isEqualTo("77");
  }

  private static String shortUri(HttpResponse<String> r) {
    String s = r.uri().toString();
    return s.length() > 80 ? s.substring(0, 80) + "…" : s;
  }

  private static Set<String> keysIn(String node) {
    Pool pool = ProcessCluster.pool(vertx, cluster.database(node));
    try {
      Set<String> keys = new HashSet<>();
      for (Row row : pool.query("SELECT record_key FROM records WHERE collection = 'expenses' AND deleted = 0").execute().await()) {
        keys.add(row.getString(0));
      }
      return keys;
    } finally {
      pool.close().await();
    }
  }

}
