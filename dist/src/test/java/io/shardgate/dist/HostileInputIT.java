package io.shardgate.dist;

import static io.shardgate.dist.Http.expense;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile input against the public listener of the built jar (dev mode: one process, the same gateway
 * verticle as cluster mode, no database to set up): every entry of the corpus gets a 4xx problem answer
 * quickly, nothing stored changes, and the process logs no blocked event loop. docs/input-limits.md
 * lists the limits these entries hit.
 */
class HostileInputIT {
  /** Loose: the answers take tens of milliseconds; a backtracking regex or a 5xx retry loop takes seconds. */
  private static final long MAX_MS = 1000;
  private static final String SEED = "seed-1";

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  static Path dir;
  static DevProcess dev;
  private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2)).build();
  /** The ids of the creates in the corpus: none of them may exist afterwards. */
  private static final List<String> ATTEMPTED = new ArrayList<>();

  /** Where the log stood when startup was over: a slow start is DevModeIT's to catch, not this test's. */
  private static int startupLog;

  @BeforeAll
  static void start() throws Exception {
    dev = DevProcess.start(dir, new JsonArray().add("collections/expenses.json"));
    startupLog = dev.output().length();
  }

  @AfterAll
  static void stop() throws Exception {
    if (dev != null) {
      assertThat(dev.stop()).as("dev mode exits on SIGTERM").isTrue();
      assertThat(dev.output().substring(startupLog)).as("log after startup").doesNotContain("has been blocked for");
    }
  }

  /** One hostile request and the status it must get. */
  private record Entry(String name, int status, String method, String path, byte[] body, String... headers) {
    static Entry json(String name, int status, String method, String path, String body, String... headers) {
      return new Entry(name, status, method, path, body.getBytes(StandardCharsets.UTF_8),
          Stream.concat(Stream.of("content-type", "application/json"), Stream.of(headers)).toArray(String[]::new));
    }

    static Entry get(String name, int status, String path, String... headers) {
      return new Entry(name, status, "GET", path, null, headers);
    }
  }

  private static List<Entry> corpus() {
    String base = "/v1/expenses";
    String seed = base + "/" + SEED;
    List<Entry> c = new ArrayList<>();
    // schema strings: lengths before patterns, patterns in linear time
    c.add(Entry.json("email: a@, 60,000 dots, a space", 400, "POST", base,
        attempt().put("email", "a@" + ".".repeat(60_000) + " ").encode()));
    c.add(Entry.json("email: a@, 250 dots, a space (within maxLength)", 400, "POST", base,
        attempt().put("email", "a@" + ".".repeat(250) + " ").encode()));
    c.add(Entry.json("update: submit_date of 60,000 digits", 400, "PUT", seed,
        new JsonObject().put("submit_date", "1".repeat(60_000)).encode()));
    // nesting
    c.add(Entry.json("nesting 65 deep in a field", 400, "POST", base,
        "{\"name\":" + "[".repeat(65) + "]".repeat(65) + "}"));
    c.add(Entry.json("nesting 60,000 deep, just under the body limit", 400, "POST", base, "[".repeat(60_000)));
    c.add(Entry.json("nesting 20,000 deep in 100 KB, beyond the body limit", 413, "POST", base, "{\"a\":".repeat(20_000)));
    // many names
    c.add(Entry.json("10,000 names in one object (beyond the body limit)", 413, "POST", base, names(10_000)));
    c.add(Entry.json("5,000 names in one object", 400, "POST", base, names(5_000)));
    c.add(Entry.json("the same name twice", 400, "PUT", seed, "{\"name\":\"a\",\"name\":\"b\"}"));
    // numbers
    c.add(Entry.json("estimated_costs 1e1000000", 400, "POST", base,
        attempt().encode().replace("\"120.50\"", "1e1000000")));
    c.add(Entry.json("update: estimated_costs -1e400", 400, "PUT", seed, "{\"estimated_costs\":-1e400}"));
    c.add(Entry.json("a 60,000-digit integer", 400, "POST", base,
        attempt().encode().replace("\"120.50\"", "9".repeat(60_000))));
    c.add(Entry.json("a 100,000-digit integer (beyond the body limit)", 413, "POST", base, "[" + "9".repeat(100_000) + "]"));
    c.add(Entry.json("id 2^53", 400, "POST", base, attempt().put("id", 9_007_199_254_740_992L).encode()));
    // unicode
    c.add(Entry.json("name of 10,000 surrogate pairs", 400, "POST", base, attempt().put("name", "😀".repeat(10_000)).encode()));
    c.add(Entry.json("description of 5,000 CJK characters", 400, "PUT", seed,
        new JsonObject().put("description", "字".repeat(5_000)).encode()));
    c.add(Entry.json("an unpaired surrogate", 400, "PUT", seed, "{\"name\":\"x\\ud800y\"}"));
    c.add(new Entry("invalid UTF-8", 400, "PUT", seed, invalidUtf8(), "content-type", "application/json"));
    // headers and URLs
    c.add(Entry.get("2,000 headers", 431, seed, manyHeaders(2_000)));
    c.add(Entry.get("a 20,000-character header value", 431, seed, "x-long", "a".repeat(20_000)));
    c.add(Entry.json("If-Match of 7,000 characters", 400, "PUT", seed, "{\"name\":\"b\"}", "if-match", "\"" + "9".repeat(6_998) + "\""));
    c.add(new Entry("Content-Type of 7,000 characters", 415, "PUT", seed, "{}".getBytes(StandardCharsets.US_ASCII),
        "content-type", "text/" + "x".repeat(7_000)));
    c.add(Entry.get("a 10,000-character URL", 414, base + "/" + "a".repeat(10_000)));
    c.add(Entry.get("a 3,000-character key", 400, base + "/" + "a".repeat(3_000)));
    c.add(Entry.get("a 10,000-character query string", 414, seed + "?q=" + "x".repeat(10_000)));
    c.add(Entry.get("a percent-encoded key of 1,000 NULs", 400, base + "/" + "%00".repeat(1_000)));
    return c;
  }

  @Test
  void everyHostileRequestGetsAQuick4xxProblemAndChangesNothing() throws Exception {
    Http http = dev.http;
    HttpResponse<String> created = http.postJson("/v1/expenses", expense(SEED));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    HttpResponse<String> before = http.get("/v1/expenses/" + SEED);

    List<String> failures = new ArrayList<>();
    StringBuilder times = new StringBuilder("hostile input corpus, ms per entry:\n");
    for (Entry e : corpus()) {
      long start = System.nanoTime();
      HttpResponse<String> r = send(e);
      long ms = (System.nanoTime() - start) / 1_000_000;
      times.append(String.format("%6d ms  %d  %s%n", ms, r.statusCode(), e.name()));
      String type = r.headers().firstValue("content-type").orElse("");
      if (r.statusCode() != e.status() || !type.startsWith("application/problem+json")
          || new JsonObject(r.body()).getInteger("status", 0) != e.status() || ms >= MAX_MS) {
        failures.add(e.name() + ": expected " + e.status() + " problem+json within " + MAX_MS + " ms, got " + r.statusCode()
            + " " + type + " in " + ms + " ms: " + shorten(r.body()));
      }
    }
    System.out.print(times);
    assertThat(failures).isEmpty();

    HttpResponse<String> after = http.get("/v1/expenses/" + SEED);
    assertThat(after.body()).isEqualTo(before.body());
    assertThat(after.headers().firstValue("etag")).isEqualTo(before.headers().firstValue("etag"));
    assertThat(ATTEMPTED).isNotEmpty().allSatisfy(id ->
        assertThat(http.get("/v1/expenses/" + id).statusCode()).as("create of %s", id).isEqualTo(404));
  }

  private static HttpResponse<String> send(Entry e) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(dev.http.base + e.path())).timeout(Duration.ofSeconds(10))
        .method(e.method(), e.body() == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(e.body()));
    for (int i = 0; i < e.headers().length; i += 2) {
      b.setHeader(e.headers()[i], e.headers()[i + 1]);
    }
    return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A valid expense with a fresh id, remembered so that the test can check it was not created. */
  private static JsonObject attempt() {
    String id = "hostile-" + ATTEMPTED.size();
    ATTEMPTED.add(id);
    return expense(id);
  }

  private static String names(int count) {
    StringBuilder s = new StringBuilder("{");
    for (int i = 0; i < count; i++) {
      s.append(i == 0 ? "" : ",").append('"').append(Integer.toString(i, 36)).append("\":0");
    }
    return s.append('}').toString();
  }

  private static byte[] invalidUtf8() {
    byte[] head = "{\"name\":\"".getBytes(StandardCharsets.US_ASCII);
    byte[] body = new byte[head.length + 4];
    System.arraycopy(head, 0, body, 0, head.length);
    body[head.length] = (byte) 0xff;
    body[head.length + 1] = (byte) 0xc3;
    body[head.length + 2] = '"';
    body[head.length + 3] = '}';
    return body;
  }

  private static String[] manyHeaders(int count) {
    String[] headers = new String[count * 2];
    for (int i = 0; i < count; i++) {
      headers[2 * i] = "x-h" + i;
      headers[2 * i + 1] = "1";
    }
    return headers;
  }

  private static String shorten(String s) {
    return s.length() > 200 ? s.substring(0, 200) + "…" : s;
  }
}
