package io.shardgate.shardnode.replication;

import io.shardgate.shardnode.store.LogSlice;
import io.shardgate.shardnode.store.OplogEntry;
import io.shardgate.shardnode.store.RecordState;
import io.shardgate.shardnode.store.SlotPosition;
import io.shardgate.shardnode.store.SlotSnapshot;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** JSON forms of the replication messages exchanged between shard nodes. */
final class Wire {
  private Wire() {}

  static JsonArray position(SlotPosition p) {
    return new JsonArray().add(p.epoch()).add(p.seq());
  }

  static SlotPosition position(JsonArray a) {
    return new SlotPosition(a.getLong(0), a.getLong(1));
  }

  static JsonObject slice(LogSlice slice) {
    JsonArray entries = new JsonArray();
    slice.entries().forEach(e -> entries.add(e.toJson()));
    return new JsonObject().put("trimmed", slice.trimmed()).put("common", position(slice.common()))
        .put("end", position(slice.end())).put("entries", entries);
  }

  static LogSlice slice(JsonObject json) {
    List<OplogEntry> entries = new ArrayList<>();
    JsonArray a = json.getJsonArray("entries");
    for (int i = 0; i < a.size(); i++) {
      entries.add(OplogEntry.fromJson(a.getJsonObject(i)));
    }
    return new LogSlice(json.getBoolean("trimmed"), position(json.getJsonArray("common")), entries,
        position(json.getJsonArray("end")));
  }

  static JsonObject snapshot(SlotSnapshot s) {
    JsonArray records = new JsonArray();
    s.records().forEach(r -> records.add(r.toJson()));
    return new JsonObject().put("slot", s.slot()).put("position", position(s.position())).put("records", records);
  }

  static SlotSnapshot snapshot(JsonObject json) {
    List<RecordState> records = new ArrayList<>();
    JsonArray a = json.getJsonArray("records");
    for (int i = 0; i < a.size(); i++) {
      records.add(RecordState.fromJson(a.getJsonObject(i)));
    }
    return new SlotSnapshot(json.getInteger("slot"), position(json.getJsonArray("position")), records);
  }
}
