package io.shardgate.dist;

import static io.shardgate.dist.Http.expense;
import static org.assertj.core.api.Assertions.assertThat;

import io.shardgate.cluster.protocol.Headers;
import io.shardgate.cluster.protocol.InternalPaths;
import io.shardgate.cluster.security.ClusterCa;
import io.shardgate.cluster.security.MemberCredentials;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The internal plane with real processes (two shard nodes on MariaDB, a cache node, a gateway, Redis):
 * every internal endpoint of a shard node and of a cache node, called with no client certificate, with
 * a certificate of another CA (naming a real member), and as a replay of exactly what a member sent,
 * answers 401 with a problem body; records, slot positions and epochs, leases and cache entries are the
 * same afterwards, and every refusal is counted.
 */
class InternalAuthIT {
  private static final Pattern REJECTED =
      Pattern.compile("shardgate_internal_auth_rejected_total\\{node=\"[^\"]+\",reason=\"[^\"]+\"} ([0-9.]+)");

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  static Path dir;
  static ProcessCluster cluster;
  static Http gateway;

  @BeforeAll
  static void start() throws Exception {
    cluster = new ProcessCluster(dir, 2, 1, new JsonObject());
    cluster.startAll();
    gateway = new Http(cluster.gateway());
    ProcessCluster.awaitCondition(Duration.ofSeconds(20), "shard and cache nodes live", () -> {
      JsonArray members = cluster.members();
      return members != null && members.size() == 3 && members.stream().allMatch(m -> ((JsonObject) m).getBoolean("live"));
    });
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) {
      cluster.shutDownAndCheck();
    }
  }

  /** One internal request: method, path, body (null for none). */
  private record Call(String method, String path, String body) {}

  @Test
  void nonMembersGet401EverywhereAndChangeNothing() throws Exception {
    for (int id = 1; id <= 6; id++) {
      assertThat(gateway.postJson("/v1/expenses", expense(id)).statusCode()).isEqualTo(201);
      assertThat(gateway.get("/v1/expenses/" + id).statusCode()).isEqualTo(200); // fills the cache
    }
    Map<String, String> before = state();
    int slot = cluster.placement("1").getInteger("slot");
    String shard = "127.0.0.1:" + cluster.shardPorts.get("shard-1");
    String cache = "127.0.0.1:" + cluster.cachePorts.get("cache-1");
    // An epoch far above the cluster's: accepted, it would make the slot refuse every real write.
    String forgedEntry = new JsonObject().put("slot", slot).put("epoch", Long.MAX_VALUE / 2).put("seq", 1)
        .put("prevEpoch", 0).put("prevSeq", 0).put("collection", "expenses").put("key", "1").put("version", Long.MAX_VALUE / 2)
        .put("deleted", false).put("doc", "{\"name\":\"FORGED\"}").encode();
    List<Call> shardCalls = List.of(
        new Call("GET", InternalPaths.record("expenses", "1"), null),
        new Call("POST", InternalPaths.record("expenses", "forged"), expense("forged").encode()),
        new Call("PUT", InternalPaths.record("expenses", "1"), expense(1).put("name", "FORGED").encode()),
        new Call("PATCH", InternalPaths.record("expenses", "1"), "{\"name\":\"FORGED\"}"),
        new Call("DELETE", InternalPaths.record("expenses", "2"), null),
        new Call("POST", InternalPaths.APPLY, forgedEntry),
        new Call("POST", InternalPaths.HANDOFF, "{\"node\":\"shard-2\",\"ttlMs\":86400000}"),
        new Call("POST", InternalPaths.PRESENT, "{\"node\":\"shard-2\",\"ttlMs\":86400000}"),
        new Call("GET", InternalPaths.POSITIONS, null),
        new Call("GET", InternalPaths.log(slot, 0, 0, 100), null),
        new Call("GET", InternalPaths.state(slot, "expenses", "1"), null),
        new Call("GET", InternalPaths.snapshot(slot), null),
        new Call("GET", InternalPaths.NODE_STATUS, null),
        new Call("GET", InternalPaths.NODE_CHECKSUMS, null));
    List<Call> cacheCalls = List.of(
        new Call("GET", InternalPaths.CACHE_STATS, null),
        new Call("GET", InternalPaths.cacheEntry("expenses", "1"), null),
        new Call("PUT", InternalPaths.cacheUpdate("expenses", "1", Long.MAX_VALUE, 86_400_000), "{\"name\":\"FORGED\"}"),
        new Call("DELETE", InternalPaths.cacheUpdate("expenses", "3", Long.MAX_VALUE, 86_400_000), null));

    MemberCredentials intruder = ClusterCa.generate(cluster.clusterName, Duration.ofDays(1))
        .issue("shard-2", List.of("127.0.0.1"), Duration.ofDays(1));
    Map<String, HttpClient> callers = new LinkedHashMap<>();
    callers.put("no certificate", client(MemberCredentials.trusting(cluster.member.ca())));
    callers.put("another CA's certificate", client(new MemberCredentials(cluster.member.caPem(),
        intruder.certificatePem(), intruder.keyPem()).sslContext()));
    // A replay: byte for byte what a member sends (its headers included), from a connection that is not a member's.
    callers.put("replayed member request", client(MemberCredentials.trusting(cluster.member.ca())));

    double rejectedBefore = rejected(shard) + rejected(cache);
    List<String> times = new ArrayList<>();
    int sent = 0;
    for (Map.Entry<String, HttpClient> caller : callers.entrySet()) {
      boolean replay = caller.getKey().startsWith("replayed");
      for (Call call : shardCalls) {
        expect401(caller, shard, call, replay, times);
        sent++;
      }
      for (Call call : cacheCalls) {
        expect401(caller, cache, call, replay, times);
        sent++;
      }
    }
    System.out.println("InternalAuthIT: " + sent + " refusals, times " + times);
    assertThat(state()).as("records, positions and epochs, leases and cache entries").isEqualTo(before);
    assertThat(rejected(shard) + rejected(cache) - rejectedBefore).as("refusals counted").isEqualTo(sent);
    // The member itself still gets through, so the 401s above are about the callers, not a broken node.
    assertThat(cluster.node(shard).get(InternalPaths.NODE_STATUS).statusCode()).isEqualTo(200);
    assertThat(cluster.node(cache).get(InternalPaths.cacheEntry("expenses", "1")).statusCode()).isEqualTo(200);
  }

  @Test
  void evenAMemberCannotPutAVersionInTheCacheThatNoShardNodeAnswered() {
    assertThat(gateway.postJson("/v1/expenses", expense(50)).statusCode()).isEqualTo(201);
    assertThat(gateway.get("/v1/expenses/50").statusCode()).isEqualTo(200);
    Http cache = cluster.node("127.0.0.1:" + cluster.cachePorts.get("cache-1"));
    String entry = InternalPaths.cacheEntry("expenses", "50");
    HttpResponse<String> cached = cache.get(entry);
    assertThat(cached.statusCode()).as("the gateway's fill, proven by the shard node, was stored").isEqualTo(200);
    HttpResponse<String> forged = cache.send("PUT", InternalPaths.cacheUpdate("expenses", "50", Long.MAX_VALUE, 86_400_000),
        "{\"name\":\"FORGED\"}", Headers.CONTENT_TYPE, Headers.JSON, Headers.RECORD_PROOF, "bm90LWEtcHJvb2Y");
    HttpResponse<String> tombstone = cache.send("DELETE", InternalPaths.cacheUpdate("expenses", "50", Long.MAX_VALUE, 86_400_000),
        null);
    assertThat(forged.statusCode()).as(forged.body()).isEqualTo(403);
    assertThat(forged.body()).contains("unproven-version");
    assertThat(tombstone.statusCode()).isEqualTo(403);
    HttpResponse<String> after = cache.get(entry);
    assertThat(after.body()).isEqualTo(cached.body());
    assertThat(after.headers().firstValue(Headers.RECORD_VERSION)).isEqualTo(cached.headers().firstValue(Headers.RECORD_VERSION));
  }

  private static void expect401(Map.Entry<String, HttpClient> caller, String address, Call call, boolean replay,
      List<String> times) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://" + address + call.path()))
        .timeout(Duration.ofSeconds(5))
        .method(call.method(), call.body() == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(call.body()));
    if (call.body() != null) {
      b.header(Headers.CONTENT_TYPE, Headers.JSON);
    }
    if (replay) {
      b.header(Headers.SOURCE_NODE, "shard-2").header(Headers.REQUEST_ID, "0123456789abcdef");
    }
    long started = System.nanoTime();
    HttpResponse<String> r = caller.getValue().send(b.build(), HttpResponse.BodyHandlers.ofString());
    times.add((System.nanoTime() - started) / 1_000_000 + "ms");
    assertThat(r.statusCode()).as("%s: %s %s on %s answered %s", caller.getKey(), call.method(), call.path(), address,
        r.body()).isEqualTo(401);
    assertThat(r.headers().firstValue("content-type")).hasValue("application/problem+json");
    assertThat(r.body()).contains("\"status\":401");
  }

  /** What a non-member must not be able to change, read as a member and through the gateway. */
  private static Map<String, String> state() {
    Map<String, String> s = new LinkedHashMap<>();
    for (Map.Entry<String, Integer> n : cluster.shardPorts.entrySet()) {
      Http node = cluster.node("127.0.0.1:" + n.getValue());
      s.put(n.getKey() + " checksums", node.get(InternalPaths.NODE_CHECKSUMS).body());
      s.put(n.getKey() + " positions", new JsonObject(node.get(InternalPaths.NODE_STATUS).body()).getValue("positions")
          .toString());
    }
    Http cache = cluster.node("127.0.0.1:" + cluster.cachePorts.get("cache-1"));
    for (int id = 1; id <= 6; id++) {
      HttpResponse<String> e = cache.get(InternalPaths.cacheEntry("expenses", Integer.toString(id)));
      s.put("cache " + id, e.statusCode() + " " + e.headers().firstValue(Headers.RECORD_VERSION).orElse("-") + " " + e.body());
      s.put("record " + id, gateway.get("/v1/expenses/" + id).body());
    }
    s.put("members", cluster.members().encode());
    return s;
  }

  private static double rejected(String address) {
    Matcher m = REJECTED.matcher(cluster.node(address).get("/metrics").body());
    double sum = 0;
    while (m.find()) {
      sum += Double.parseDouble(m.group(1));
    }
    return sum;
  }

  private static HttpClient client(SSLContext tls) {
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2))
        .sslContext(tls).build();
  }
}
