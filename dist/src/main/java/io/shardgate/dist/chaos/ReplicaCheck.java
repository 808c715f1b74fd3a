package io.shardgate.dist.chaos;

import io.shardgate.cluster.protocol.InternalPaths;
import io.shardgate.cluster.placement.Node;
import io.shardgate.cluster.placement.Placement;
import io.shardgate.cluster.placement.SlotTable;
import io.shardgate.cluster.security.MemberCredentials;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Compares, for every slot, the content checksums of all its replicas (as the gateway's membership and
 * placement say), reading each shard node's /admin/checksums. Returns the differences found. The nodes
 * are called as a cluster member (with the given credentials, over TLS), or over plain HTTP when the
 * cluster runs with --insecure.
 */
public final class ReplicaCheck {
  private final HttpClient http;
  private final String scheme;

  /** @param credentials the member certificate to call the nodes with; null for an --insecure cluster */
  public ReplicaCheck(MemberCredentials credentials) {
    HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2));
    if (credentials != null) {
      b.sslContext(credentials.sslContext());
    }
    this.http = b.build();
    this.scheme = credentials == null ? "http://" : "https://";
  }

  public List<String> differences(String gateway, String adminToken) throws IOException, InterruptedException {
    JsonObject members = get(gateway + "/admin/members", adminToken);
    List<Node> nodes = new ArrayList<>();
    Map<String, JsonObject> checksums = new HashMap<>();
    JsonArray list = members.getJsonArray("members");
    for (int i = 0; i < list.size(); i++) {
      JsonObject m = list.getJsonObject(i);
      if ("shard".equals(m.getString("role"))) {
        nodes.add(new Node(m.getString("id"), m.getDouble("weight")));
        checksums.put(m.getString("id"), get(scheme + m.getString("address") + InternalPaths.NODE_CHECKSUMS, null)
            .getJsonObject("slots"));
      }
    }
    SlotTable table = Placement.named(members.getString("placement"), Placement.DEFAULT_RING_VIRTUAL_NODES_PER_WEIGHT)
        .table(members.getInteger("slots"), members.getInteger("replicationFactor"), nodes);
    List<String> differences = new ArrayList<>();
    for (int slot = 0; slot < table.slots(); slot++) {
      List<String> replicas = table.replicas(slot);
      Object first = checksums.get(replicas.get(0)).getValue(Integer.toString(slot));
      for (String other : replicas.subList(1, replicas.size())) {
        Object theirs = checksums.get(other).getValue(Integer.toString(slot));
        if (!java.util.Objects.equals(first, theirs)) {
          differences.add("slot " + slot + ": " + replicas.get(0) + " has " + first + ", " + other + " has " + theirs);
        }
      }
    }
    return differences;
  }

  private JsonObject get(String url, String token) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
    if (token != null) {
      b.header("authorization", "Bearer " + token);
    }
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException(url + " answered " + r.statusCode() + ": " + r.body());
    }
    return new JsonObject(r.body());
  }
}
