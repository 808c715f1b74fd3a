package io.shardgate.dist.chaos;

import io.shardgate.cluster.protocol.Headers;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Concurrent writers and readers against a gateway that keep the books a failover test needs: every
 * write the gateway acknowledged (each key has exactly one writer, so the last acknowledged value of a
 * key is well defined), reads older than an acknowledged write, two values acknowledged under one
 * version, and the longest time a key could not be read or written. Bounded in time by its caller.
 */
public final class LoadDriver {
  private static final String DESCRIPTION = "description";

  private final String gateway;
  private final String prefix;
  private final int keys;
  private final int writers;
  private final int readers;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2)).build();
  private final AtomicLongArray lastAcked;
  private final AtomicLongArray lastAttempted;
  private final Map<String, Long> valueOfVersion = new ConcurrentHashMap<>();
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong writeErrors = new AtomicLong();
  private final AtomicLong readErrors = new AtomicLong();
  private final AtomicLong acked = new AtomicLong();
  private final AtomicLong staleReads = new AtomicLong();
  private final AtomicLong versionConflicts = new AtomicLong();
  private final AtomicLong longestWriteGapMs = new AtomicLong();
  private final AtomicLong longestReadGapMs = new AtomicLong();
  private final Map<String, AtomicLong> errorsByAnswer = new ConcurrentHashMap<>();
  private final List<String> problems = java.util.Collections.synchronizedList(new ArrayList<>());
  private volatile boolean running;
  private final List<Thread> threads = new ArrayList<>();

  public LoadDriver(String gateway, String prefix, int keys, int writers, int readers) {
    this.gateway = gateway;
    this.prefix = prefix;
    this.keys = keys;
    this.writers = writers;
    this.readers = readers;
    this.lastAcked = new AtomicLongArray(keys);
    this.lastAttempted = new AtomicLongArray(keys);
  }

  /** Creates the keys (value 0), then starts the writer and reader threads. */
  public void start() {
    for (int k = 0; k < keys; k++) {
      int status = -1;
      for (int attempt = 0; attempt < 50 && status != 201 && status != 409; attempt++) {
        status = send("POST", "/v1/expenses", record(k, 0).encode()).status;
        pause(100, status);
      }
      if (status != 201 && status != 409) {
        throw new IllegalStateException("could not create " + key(k) + ": " + status);
      }
    }
    running = true;
    for (int w = 0; w < writers; w++) {
      int self = w;
      threads.add(daemon("writer-" + w, () -> write(self)));
    }
    for (int r = 0; r < readers; r++) {
      threads.add(daemon("reader-" + r, this::read));
    }
    threads.forEach(Thread::start);
  }

  /** Writes acknowledged so far: tests wait for progress under a fault instead of sleeping. */
  public long acknowledged() {
    return acked.get();
  }

  /** Stops the load, then reads every key once more and checks it against the books. */
  public Report stopAndVerify() throws InterruptedException {
    running = false;
    for (Thread t : threads) {
      t.join(15_000);
    }
    long lost = 0;
    for (int k = 0; k < keys; k++) {
      Answer a = null;
      for (int attempt = 0; attempt < 50 && (a == null || a.status != 200); attempt++) {
        a = send("GET", "/v1/expenses/" + key(k), null);
        pause(100, a.status == 200 ? 0 : a.status);
      }
      long value = a.status == 200 ? valueOf(a.body) : -1;
      if (value < lastAcked.get(k) || value > lastAttempted.get(k)) {
        lost++;
        problems.add(key(k) + " reads " + value + " (status " + a.status + ") but " + lastAcked.get(k)
            + " was acknowledged and at most " + lastAttempted.get(k) + " attempted");
      }
    }
    Map<String, Long> errors = new java.util.TreeMap<>();
    errorsByAnswer.forEach((k, v) -> errors.put(k, v.get()));
    return new Report(requests.get(), writeErrors.get(), readErrors.get(), acked.get(), lost, staleReads.get(),
        versionConflicts.get(), longestWriteGapMs.get(), longestReadGapMs.get(), List.copyOf(problems), errors);
  }

  private void write(int writer) {
    long gapStart = 0;
    while (running) {
      for (int k = writer; k < keys && running; k += writers) {
        long value = lastAttempted.get(k) + 1;
        lastAttempted.set(k, value);
        Answer a = send("PUT", "/v1/expenses/" + key(k), new JsonObject().put(DESCRIPTION, "v" + value).encode());
        if (a.status == 202) {
          long answered = valueOf(a.body);
          if (answered != value) {
            problems.add("PUT " + key(k) + " of " + value + " answered 202 with " + answered + " (etag " + a.etag + ", "
                + a.servedBy + ")");
          }
          lastAcked.set(k, value);
          acked.incrementAndGet();
          String version = a.etag;
          Long previous = valueOfVersion.putIfAbsent(key(k) + "@" + version, value);
          if (previous != null && previous != value) {
            versionConflicts.incrementAndGet();
            problems.add(key(k) + " version " + version + " acknowledged for values " + previous + " and " + value);
          }
          if (gapStart != 0) {
            longestWriteGapMs.accumulateAndGet(now() - gapStart, Math::max);
            gapStart = 0;
          }
        } else {
          writeErrors.incrementAndGet();
          countError("PUT", a);
          if (a.status >= 400 && a.status < 500) {
            problems.add("PUT " + key(k) + " answered " + a.status + ": " + a.body);
          }
          gapStart = gapStart == 0 ? now() : gapStart;
        }
      }
    }
  }

  private void read() {
    long gapStart = 0;
    ThreadLocalRandom random = ThreadLocalRandom.current();
    while (running) {
      int k = random.nextInt(keys);
      long floor = lastAcked.get(k);
      Answer a = send("GET", "/v1/expenses/" + key(k), null);
      if (a.status == 200) {
        long value = valueOf(a.body);
        if (value < floor) {
          staleReads.incrementAndGet();
          problems.add("GET " + key(k) + " returned " + value + " (etag " + a.etag + ", " + a.servedBy + ") after "
              + floor + " was acknowledged");
        }
        if (gapStart != 0) {
          longestReadGapMs.accumulateAndGet(now() - gapStart, Math::max);
          gapStart = 0;
        }
      } else {
        readErrors.incrementAndGet();
        countError("GET", a);
        gapStart = gapStart == 0 ? now() : gapStart;
      }
    }
  }

  /** Errors by method, status and the first words of the problem detail: enough to tell causes apart. */
  private void countError(String method, Answer a) {
    String detail = "";
    try {
      detail = a.status > 0 ? new JsonObject(a.body).getString("detail", "") : a.body;
    } catch (RuntimeException e) {
      detail = a.body;
    }
    detail = detail.replaceAll("[0-9]+", "N");
    String label = method + " " + a.status + " " + (detail.length() > 90 ? detail.substring(0, 90) : detail);
    errorsByAnswer.computeIfAbsent(label, x -> new AtomicLong()).incrementAndGet();
  }

  private static Thread daemon(String name, Runnable body) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    return t;
  }

  private String key(int k) {
    return prefix + "-" + k;
  }

  private JsonObject record(int k, long value) {
    return new JsonObject().put("id", key(k)).put("name", "chaos").put("email", "chaos@example.com").put("category", "travel")
        .put(DESCRIPTION, "v" + value).put("estimated_costs", "1").put("submit_date", "01-01-2026");
  }

  private static long valueOf(String body) {
    return Long.parseLong(new JsonObject(body).getString(DESCRIPTION).substring(1));
  }

  private record Answer(int status, String body, String etag, String servedBy) {}

  private Answer send(String method, String path, String body) {
    requests.incrementAndGet();
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gateway + path)).timeout(Duration.ofSeconds(10))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("content-type", "application/json");
    }
    try {
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Answer(r.statusCode(), r.body(), r.headers().firstValue("etag").orElse(""),
          r.headers().firstValue(Headers.CACHE).orElse("-") + " from " + r.headers().firstValue(Headers.SERVED_BY).orElse("?"));
    } catch (IOException e) {
      return new Answer(-1, e.toString(), "", "");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Answer(-1, "interrupted", "", "");
    }
  }

  private static void pause(long ms, int status) {
    if (status == 201 || status == 200 || status == 409 || status == 0) {
      return;
    }
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static long now() {
    return System.nanoTime() / 1_000_000;
  }

  /** What a run saw; {@code lost} counts keys whose final value is older than their last acknowledged write. */
  public record Report(long requests, long writeErrors, long readErrors, long acknowledgedWrites, long lostWrites,
      long staleReads, long versionConflicts, long longestWriteGapMs, long longestReadGapMs, List<String> problems,
      Map<String, Long> errors) {

    public String summary() {
      return String.format("requests %d, acknowledged writes %d, write errors %d, read errors %d, lost writes %d, "
              + "stale reads %d, versions acknowledged twice %d, longest write gap %d ms, longest read gap %d ms",
          requests, acknowledgedWrites, writeErrors, readErrors, lostWrites, staleReads, versionConflicts,
          longestWriteGapMs, longestReadGapMs) + (errors.isEmpty() ? "" : "; errors " + errors);
    }
  }
}
