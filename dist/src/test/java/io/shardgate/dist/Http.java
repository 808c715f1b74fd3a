package io.shardgate.dist;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A blocking HTTP client for tests (runs on the test thread, never on an event loop). */
final class Http {
  private final HttpClient client;
  final String base;

  Http(String base) {
    this(base, null);
  }

  /** @param tls the TLS context to call https:// bases with (a member's, to reach the internal plane); null for none */
  Http(String base, javax.net.ssl.SSLContext tls) {
    HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2));
    if (tls != null) {
      b.sslContext(tls);
    }
    this.client = b.build();
    this.base = base;
  }

  HttpResponse<String> send(String method, String path, String body, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    try {
      return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new AssertionError(method + " " + path + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  HttpResponse<String> get(String path, String... headers) {
    return send("GET", path, null, headers);
  }

  HttpResponse<String> postJson(String path, JsonObject body) {
    return send("POST", path, body.encode(), "content-type", "application/json");
  }

  HttpResponse<String> putJson(String path, JsonObject body, String... headers) {
    String[] all = new String[headers.length + 2];
    all[0] = "content-type";
    all[1] = "application/json";
    System.arraycopy(headers, 0, all, 2, headers.length);
    return send("PUT", path, body.encode(), all);
  }

  static JsonObject json(HttpResponse<String> r) {
    return new JsonObject(r.body());
  }

  static JsonObject expense(Object id) {
    JsonObject e = new JsonObject().put("name", "Ada Lovelace").put("email", "ada@example.com").put("category", "travel")
        .put("description", "train to the conference").put("link", "https://example.com/receipt/" + id)
        .put("estimated_costs", "120.50").put("submit_date", "01-02-2026");
    if (id != null) {
      e.put("id", id);
    }
    return e;
  }
}
