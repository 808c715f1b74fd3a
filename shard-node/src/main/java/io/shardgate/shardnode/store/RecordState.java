package io.shardgate.shardnode.store;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * A record's raw stored state including tombstones: what catch-up copies. {@code document} is null
 * for a tombstone. A record that never existed is represented by {@link #absent}.
 */
public record RecordState(String collection, String key, int slot, long version, boolean deleted, Buffer document) {

  public static RecordState absent(String collection, String key, int slot) {
    return new RecordState(collection, key, slot, 0, true, null);
  }

  public boolean exists() {
    return version > 0;
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("collection", collection).put("key", key).put("slot", slot)
        .put("version", version).put("deleted", deleted);
    if (document != null) {
      json.put("doc", document.toString());
    }
    return json;
  }

  public static RecordState fromJson(JsonObject json) {
    String doc = json.getString("doc");
    return new RecordState(json.getString("collection"), json.getString("key"), json.getInteger("slot"),
        json.getLong("version"), json.getBoolean("deleted"), doc == null ? null : Buffer.buffer(doc));
  }
}
