package io.shardgate.shardnode.store;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * One replicated change: the full resulting state of one record (so applying it twice is harmless),
 * its position in the slot's log, and the position just before it in the writer's log (so a replica
 * can tell that it missed something).
 *
 * @param document the record's JSON after the change; null when {@code deleted}
 */
public record OplogEntry(int slot, SlotPosition position, SlotPosition previous, String collection, String key,
    long version, boolean deleted, Buffer document) {

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("slot", slot).put("epoch", position.epoch()).put("seq", position.seq())
        .put("prevEpoch", previous.epoch()).put("prevSeq", previous.seq()).put("collection", collection).put("key", key)
        .put("version", version).put("deleted", deleted);
    if (document != null) {
      json.put("doc", document.toString());
    }
    return json;
  }

  public static OplogEntry fromJson(JsonObject json) {
    String doc = json.getString("doc");
    return new OplogEntry(json.getInteger("slot"), new SlotPosition(json.getLong("epoch"), json.getLong("seq")),
        new SlotPosition(json.getLong("prevEpoch"), json.getLong("prevSeq")), json.getString("collection"),
        json.getString("key"), json.getLong("version"), json.getBoolean("deleted"), doc == null ? null : Buffer.buffer(doc));
  }
}
