package io.shardgate.dist;

import static io.shardgate.dist.Http.expense;
import static io.shardgate.dist.Http.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/** The README's run command: {@code java -jar shardgate.jar dev}, here on free ports. */
class DevModeIT {
  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  static Path dir;
  static DevProcess dev;
  static Http http;

  @BeforeAll
  static void start() throws Exception {
    Path trips = dir.resolve("trips.json");
    Files.writeString(trips, new JsonObject().put("name", "trips").put("path", "/v1/trips").put("keyField", "code")
        .put("schema", new JsonObject().put("type", "object").put("required", new JsonArray().add("city"))
            .put("properties", new JsonObject().put("city", new JsonObject().put("type", "string")))).encode());
    dev = DevProcess.start(dir, new JsonArray().add("collections/expenses.json").add(trips.toAbsolutePath().toString()));
    http = dev.http;
  }

  @AfterAll
  static void stop() throws Exception {
    if (dev != null) {
      assertThat(dev.stop()).as("dev mode exits on SIGTERM").isTrue();
      String output = dev.output();
      assertThat(output).doesNotContain("has been blocked for");
      assertThat(output).contains("stopped");
    }
  }

  @Test
  void startsWithAWarningThatDataIsInMemory() throws Exception {
    String output = dev.output();
    assertThat(output).contains("DEV MODE KEEPS DATA IN MEMORY ONLY").contains("curl -i -X POST");
  }

  @Test
  void aSecondCollectionNeedsOnlyConfiguration() {
    HttpResponse<String> created = http.postJson("/v1/trips", new JsonObject().put("code", "LIS-1").put("city", "Lisbon"));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(created.headers().firstValue("location")).hasValue("/v1/trips/LIS-1");
    assertThat(json(http.get("/v1/trips/LIS-1")).getString("city")).isEqualTo("Lisbon");
    HttpResponse<String> invalid = http.postJson("/v1/trips", new JsonObject().put("city", 7));
    assertThat(invalid.statusCode()).isEqualTo(400);
    assertThat(json(invalid).getString("field")).isEqualTo("city");
    assertThat(http.get("/v1/expenses/LIS-1").statusCode()).as("collections are separate key spaces").isEqualTo(404);
  }

  @Test
  void ids1To20SpreadOverTheThreeShardNodesWherePlacementSays() {
    Map<String, Integer> perNode = new HashMap<>();
    for (int id = 1; id <= 20; id++) {
      HttpResponse<String> r = http.postJson("/v1/expenses", expense(id));
      assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
      String servedBy = r.headers().firstValue("x-served-by").orElseThrow();
      perNode.merge(servedBy, 1, Integer::sum);
      JsonObject placement = json(http.get("/admin/placement?collection=expenses&key=" + id,
          "authorization", "Bearer dev-admin-token"));
      assertThat(placement.getString("servedBy")).isEqualTo(servedBy);
      HttpResponse<String> read = http.get("/v1/expenses/" + id);
      // The create was written through to the cache, so the read is a hit served by a cache node.
      String readBy = read.headers().firstValue("x-served-by").orElseThrow();
      if ("HIT".equals(read.headers().firstValue("x-cache").orElse(""))) {
        assertThat(readBy).matches("cache-[0-9]+");
      } else {
        assertThat(readBy).isEqualTo(servedBy);
      }
      assertThat(json(read).getString("id")).isEqualTo(Integer.toString(id));
    }
    assertThat(perNode.keySet()).containsExactlyInAnyOrder("shard-1", "shard-2", "shard-3");
  }
}
