package io.shardgate.cluster.membership;

import io.vertx.core.json.JsonObject;
import java.util.Objects;

/** A member of the cluster as stored in the registry: identity, role, address and weight. */
public record MemberInfo(String id, Role role, String host, int port, double weight) {
  public MemberInfo {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(host, "host");
  }

  public String address() {
    return host + ":" + port;
  }

  public JsonObject toJson() {
    return new JsonObject().put("id", id).put("role", role.wireName()).put("host", host).put("port", port).put("weight", weight);
  }

  public static MemberInfo fromJson(JsonObject json) {
    return new MemberInfo(json.getString("id"), Role.fromWire(json.getString("role")), json.getString("host"),
        json.getInteger("port"), json.getDouble("weight", 1.0));
  }
}
