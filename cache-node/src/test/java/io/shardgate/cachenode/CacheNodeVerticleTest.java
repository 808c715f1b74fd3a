package io.shardgate.cachenode;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardgate.cluster.security.MemberAuth;
import io.shardgate.cluster.security.RecordProof;
import io.shardgate.cachenode.store.CacheLimits;
import io.shardgate.cluster.config.ConfigLoader;
import io.shardgate.cluster.config.Settings;
import io.shardgate.cluster.membership.Registry;
import io.shardgate.cluster.runtime.ShardgateVertx;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The real cache node on a loopback port, driven over HTTP as a gateway would. */
class CacheNodeVerticleTest {
  private static final String NODE = "cache-t";
  private static final CacheLimits LIMITS = new CacheLimits(256 * 1024, 1024, 60_000);

  private final AtomicLong clock = new AtomicLong(1_000L);
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private ShardgateVertx runtime;
  private int port;

  @BeforeEach
  void start() throws Exception {
    runtime = ShardgateVertx.create();
    port = freePort();
    Settings.Shardgate config = ConfigLoader.load(Path.of("..", "conf", "shardgate.json"), Map.of(), List.of());
    Settings.Node self = new Settings.Node(NODE, "127.0.0.1", port, 1);
    runtime.vertx().deployVerticle(
        new CacheNodeVerticle(config, self, Registry.inProcess(), runtime.registry(), LIMITS, clock::get, MemberAuth.none(), RecordProof.none())).await();
  }

  @AfterEach
  void stop() {
    runtime.vertx().close().await();
  }

  @Test
  void aFillIsServedBackAsTheSameBytesWithItsVersion() throws Exception {
    String body = "{\"amount\": 12.50,  \"note\":\"spaces and order kept\"}";
    assertThat(send("PUT", "/cache/expenses/42?version=7&ttlMs=5000", body).statusCode()).isEqualTo(204);

    HttpResponse<String> r = send("GET", "/cache/expenses/42", null);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo(body);
    assertThat(r.headers().firstValue("x-record-version")).hasValue("7");
    assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
    assertThat(send("GET", "/cache/expenses/42", null).body()).isEqualTo(body);
  }

  @Test
  void underConcurrentFillsEveryReadPairsABodyWithItsOwnVersion() throws Exception {
    AtomicLong next = new AtomicLong();
    CountDownLatch fillersDone = new CountDownLatch(4);
    List<String> mismatches = Collections.synchronizedList(new ArrayList<>());
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      threads.add(new Thread(() -> {
        try {
          for (int n = 0; n < 300; n++) {
            long v = next.incrementAndGet();
            send("PUT", "/cache/expenses/race?version=" + v + "&ttlMs=60000", "{\"v\":" + v + "}");
          }
        } catch (Exception e) {
          mismatches.add("fill failed: " + e);
        } finally {
          fillersDone.countDown();
        }
      }));
      threads.add(new Thread(() -> {
        try {
          while (fillersDone.getCount() > 0) {
            HttpResponse<String> r = send("GET", "/cache/expenses/race", null);
            String version = r.headers().firstValue("x-record-version").orElse("?");
            if (r.statusCode() == 200 && !r.body().equals("{\"v\":" + version + "}")) {
              mismatches.add("version " + version + " came with " + r.body());
            }
          }
        } catch (Exception e) {
          mismatches.add("read failed: " + e);
        }
      }));
    }
    threads.forEach(Thread::start);
    for (Thread t : threads) {
      t.join(30_000);
    }
    assertThat(next.get()).isEqualTo(1200);
    assertThat(mismatches).isEmpty();
    assertThat(send("GET", "/cache/expenses/race", null).headers().firstValue("x-record-version")).hasValue("1200");
  }

  @Test
  void keysFollowTheOneKeyRuleOfEveryLayer() throws Exception {
    String key = "a.b_c~d-9";
    assertThat(send("PUT", "/cache/expenses/" + key + "?version=1", "{}").statusCode()).isEqualTo(204);
    assertThat(send("GET", "/cache/expenses/" + key, null).statusCode()).isEqualTo(200);
    assertThat(send("GET", "/cache/expenses/" + encode("a.b_c~d-8"), null).statusCode()).isEqualTo(404);
    assertThat(send("GET", "/cache/expenses/" + encode("a/b é?"), null).statusCode()).isEqualTo(400);

    assertThat(send("PUT", "/cache/expenses/" + "x".repeat(128) + "?version=1", "{}").statusCode()).isEqualTo(204);
    assertThat(send("PUT", "/cache/expenses/" + "x".repeat(129) + "?version=1", "{}").statusCode()).isEqualTo(400);
    // 128 characters, 256 bytes
    assertThat(send("GET", "/cache/expenses/" + encode("é".repeat(128)), null).statusCode()).isEqualTo(400);
    assertThat(send("GET", "/cache/Expenses/1", null).statusCode()).isEqualTo(400);
  }

  @Test
  void aMissIs404() throws Exception {
    assertThat(send("GET", "/cache/expenses/nothing", null).statusCode()).isEqualTo(404);
  }

  @Test
  void onlyAStrictlyHigherVersionReplacesAnEntry() throws Exception {
    assertThat(send("PUT", "/cache/expenses/1?version=2", "{\"v\":2}").statusCode()).isEqualTo(204);
    HttpResponse<String> stale = send("PUT", "/cache/expenses/1?version=1", "{\"v\":1}");
    assertThat(stale.statusCode()).isEqualTo(409);
    assertThat(stale.headers().firstValue("content-type")).hasValue("application/problem+json");
    assertThat(send("PUT", "/cache/expenses/1?version=2", "{\"v\":\"2 again\"}").statusCode()).isEqualTo(409);
    assertThat(send("GET", "/cache/expenses/1", null).body()).isEqualTo("{\"v\":2}");

    assertThat(send("PUT", "/cache/expenses/1?version=3", "{\"v\":3}").statusCode()).isEqualTo(204);
    assertThat(send("GET", "/cache/expenses/1", null).body()).isEqualTo("{\"v\":3}");
  }

  @Test
  void anInvalidationRejectsASlowFillOfTheOldVersion() throws Exception {
    assertThat(send("PUT", "/cache/expenses/9?version=4", "{\"v\":4}").statusCode()).isEqualTo(204);
    assertThat(send("DELETE", "/cache/expenses/9?version=5&ttlMs=10000", null).statusCode()).isEqualTo(204);

    assertThat(send("GET", "/cache/expenses/9", null).statusCode()).isEqualTo(404);
    assertThat(send("PUT", "/cache/expenses/9?version=4", "{\"v\":4}").statusCode()).isEqualTo(409);
    assertThat(send("PUT", "/cache/expenses/9?version=5", "{\"v\":5}").statusCode()).isEqualTo(409);
    assertThat(send("PUT", "/cache/expenses/9?version=6", "{\"v\":6}").statusCode()).isEqualTo(204);
    assertThat(send("GET", "/cache/expenses/9", null).body()).isEqualTo("{\"v\":6}");

    // An invalidation of a key never cached still leaves a tombstone.
    assertThat(send("DELETE", "/cache/expenses/10?version=3", null).statusCode()).isEqualTo(204);
    assertThat(send("PUT", "/cache/expenses/10?version=3", "{}").statusCode()).isEqualTo(409);
  }

  @Test
  void entriesAndTombstonesExpireAfterTheirTtl() throws Exception {
    send("PUT", "/cache/expenses/short?version=1&ttlMs=1000", "{}");
    send("PUT", "/cache/expenses/default?version=1", "{}");
    send("DELETE", "/cache/expenses/gone?version=8&ttlMs=2000", null);

    advanceMillis(1_000);
    assertThat(send("GET", "/cache/expenses/short", null).statusCode()).isEqualTo(404);
    assertThat(send("PUT", "/cache/expenses/gone?version=2", "{}").statusCode()).isEqualTo(409);
    advanceMillis(1_000);
    assertThat(send("PUT", "/cache/expenses/gone?version=2", "{}").statusCode()).isEqualTo(204);
    advanceMillis(57_999);
    assertThat(send("GET", "/cache/expenses/default", null).statusCode()).isEqualTo(200);
    advanceMillis(1);
    assertThat(send("GET", "/cache/expenses/default", null).statusCode()).isEqualTo(404);
  }

  @Test
  void badParametersAre400() throws Exception {
    for (String query : List.of("", "?version=0", "?version=-3", "?version=abc", "?version=1&ttlMs=0",
        "?version=1&ttlMs=86400001", "?version=1&ttlMs=soon", "?version=99999999999999999999")) {
      HttpResponse<String> put = send("PUT", "/cache/expenses/1" + query, "{}");
      assertThat(put.statusCode()).as("PUT %s", query).isEqualTo(400);
      assertThat(put.headers().firstValue("content-type")).hasValue("application/problem+json");
      assertThat(send("DELETE", "/cache/expenses/1" + query, null).statusCode()).as("DELETE %s", query).isEqualTo(400);
    }
    assertThat(send("PUT", "/cache/expenses/1?version=1", "").statusCode()).isEqualTo(400);
    assertThat(send("PUT", "/cache/expenses/1?version=1&ttlMs=86400000", "{}").statusCode()).isEqualTo(204);
    assertThat(new JsonObject(send("GET", "/cache/stats", null).body()).getLong("fills")).isEqualTo(1);
  }

  @Test
  void aBodyOverTheEntryLimitIs413() throws Exception {
    String atLimit = "\"" + "x".repeat(LIMITS.maxEntryBytes() - 2) + "\"";
    assertThat(send("PUT", "/cache/expenses/big?version=1", atLimit).statusCode()).isEqualTo(204);
    HttpResponse<String> over = send("PUT", "/cache/expenses/big?version=2", atLimit + " ");
    assertThat(over.statusCode()).isEqualTo(413);
    assertThat(send("GET", "/cache/expenses/big", null).headers().firstValue("x-record-version")).hasValue("1");
  }

  @Test
  void statsAndMetricsCountWhatHappened() throws Exception {
    send("PUT", "/cache/expenses/1?version=1", "{\"a\":1}");
    send("PUT", "/cache/expenses/1?version=1", "{\"a\":1}");
    send("GET", "/cache/expenses/1", null);
    send("GET", "/cache/expenses/2", null);
    send("GET", "/cache/expenses/2", null);
    send("DELETE", "/cache/expenses/1?version=2", null);
    send("PUT", "/cache/expenses/1?version=2", "{\"a\":1}");

    JsonObject stats = new JsonObject(send("GET", "/cache/stats", null).body());
    assertThat(stats.getLong("entries")).isEqualTo(1);
    assertThat(stats.getLong("bytes")).isEqualTo("expenses".length() + 1 + 64);
    assertThat(stats.getLong("maxBytes")).isEqualTo(LIMITS.maxBytes());
    assertThat(stats.getLong("hits")).isEqualTo(1);
    assertThat(stats.getLong("misses")).isEqualTo(2);
    assertThat(stats.getLong("fills")).isEqualTo(1);
    assertThat(stats.getLong("staleFillsRejected")).isEqualTo(2);
    assertThat(stats.getLong("invalidations")).isEqualTo(1);
    assertThat(stats.getLong("evictions")).isZero();

    String metrics = send("GET", "/metrics", null).body();
    assertThat(sample(metrics, "shardgate_cache_hits_total")).isEqualTo(1);
    assertThat(sample(metrics, "shardgate_cache_misses_total")).isEqualTo(2);
    assertThat(sample(metrics, "shardgate_cache_fills_total")).isEqualTo(1);
    assertThat(sample(metrics, "shardgate_cache_fills_rejected_total")).isEqualTo(2);
    assertThat(sample(metrics, "shardgate_cache_invalidations_total")).isEqualTo(1);
    assertThat(sample(metrics, "shardgate_cache_entries")).isEqualTo(1);
    assertThat(sample(metrics, "shardgate_cache_bytes")).isEqualTo(stats.getLong("bytes").doubleValue());
    assertThat(metrics).contains("shardgate_cache_evictions_total{cause=\"size\",node=\"" + NODE + "\"} 0.0")
        .contains("shardgate_cache_evictions_total{cause=\"expired\",node=\"" + NODE + "\"} 0.0");
    // Route templates only: no key reaches a label.
    assertThat(metrics).contains("/cache/:collection/:key").doesNotContain("/cache/expenses/1");
  }

  @Test
  void evictionsBySizeShowInStatsAndMetrics() throws Exception {
    String body = "\"" + "x".repeat(998) + "\"";
    for (int i = 0; i < 2_600; i++) {
      send("PUT", "/cache/expenses/k" + i + "?version=1", body);
    }
    JsonObject stats = new JsonObject(send("GET", "/cache/stats", null).body());
    assertThat(stats.getLong("bytes")).isLessThanOrEqualTo(LIMITS.maxBytes());
    assertThat(stats.getLong("evictions")).isGreaterThan(2_000);
    assertThat(sample(send("GET", "/metrics", null).body(), "shardgate_cache_evictions_total", "cause=\"size\","))
        .isEqualTo(stats.getLong("evictions").doubleValue());
  }

  @Test
  void unknownRoutesAndMethodsAnswerProblems() throws Exception {
    HttpResponse<String> r = send("POST", "/cache/expenses/1", "{}");
    assertThat(r.statusCode()).isEqualTo(405);
    assertThat(r.headers().firstValue("content-type")).hasValue("application/problem+json");
    assertThat(send("GET", "/cache", null).statusCode()).isEqualTo(404);
  }

  private static double sample(String metrics, String name) {
    return sample(metrics, name, "");
  }

  private static double sample(String metrics, String name, String otherLabels) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name + "{" + otherLabels + "node=\"" + NODE + "\"}") + " (\\S+)$")
        .matcher(metrics);
    assertThat(m.find()).as("%s{%snode=%s} in /metrics", name, otherLabels, NODE).isTrue();
    return Double.parseDouble(m.group(1));
  }

  private void advanceMillis(long millis) {
    clock.addAndGet(millis);
  }

  private HttpResponse<String> send(String method, String path, String body) throws Exception {
    HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8);
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10)).method(method, publisher).build();
    return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  private static String encode(String key) {
    return URLEncoder.encode(key, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
