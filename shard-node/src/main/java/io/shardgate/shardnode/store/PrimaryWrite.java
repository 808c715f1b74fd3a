package io.shardgate.shardnode.store;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * A write taken as acting primary, decided against the record's current row once the store holds the
 * slot and the row (null when the store has no row for the key). Both stores run these same
 * decisions, so the in-memory store cannot drift from the MySQL one.
 */
@FunctionalInterface
interface PrimaryWrite {

  /**
   * The row after the write.
   *
   * @throws StoreException when the write must not happen (nothing is changed then)
   */
  RecordRow next(RecordRow current);

  /** A tombstone is no obstacle: the new life continues its version. */
  static PrimaryWrite create(String collection, String key, int slot, String document) {
    return current -> {
      if (current != null && !current.deleted()) {
        throw new StoreException.AlreadyExists(collection, key);
      }
      return RecordRow.live(slot, current == null ? 1 : current.version() + 1, document);
    };
  }

  static PrimaryWrite replace(String collection, String key, Precondition precondition, String document) {
    return current -> {
      RecordRow live = requireLive(collection, key, precondition, current);
      return RecordRow.live(live.slot(), live.version() + 1, document);
    };
  }

  static PrimaryWrite update(String collection, String key, Precondition precondition, JsonObject patch) {
    return current -> {
      RecordRow live = requireLive(collection, key, precondition, current);
      return RecordRow.live(live.slot(), live.version() + 1, StoreRules.merge(live.document(), patch));
    };
  }

  static PrimaryWrite delete(String collection, String key, Precondition precondition) {
    return current -> {
      RecordRow live = requireLive(collection, key, precondition, current);
      return RecordRow.tombstone(live.slot(), live.version() + 1);
    };
  }

  /**
   * The outcome of a write from {@code before} to {@code after} at {@code position}: the record as the
   * client sees it (a delete shows the tombstone's version with the last document) and the entry.
   */
  static Change change(String collection, String key, RecordRow before, RecordRow after,
      SlotPosition previous, SlotPosition position) {
    String shown = after.deleted() ? before.document() : after.document();
    StoredRecord record = new StoredRecord(collection, key, after.slot(), after.version(), Buffer.buffer(shown));
    OplogEntry entry = new OplogEntry(after.slot(), position, previous, collection, key, after.version(),
        after.deleted(), after.deleted() ? null : Buffer.buffer(after.document()));
    return new Change(record, entry);
  }

  /** A tombstone counts as absent for every precondition. */
  private static RecordRow requireLive(String collection, String key, Precondition precondition, RecordRow current) {
    if (current == null || current.deleted()) {
      throw new StoreException.NotFound(collection, key);
    }
    StoreException violation = StoreRules.violation(collection, key, precondition, current.version());
    if (violation != null) {
      throw violation;
    }
    return current;
  }
}
