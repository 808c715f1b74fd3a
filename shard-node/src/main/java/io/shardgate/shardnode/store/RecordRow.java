package io.shardgate.shardnode.store;

import io.vertx.core.buffer.Buffer;

/**
 * One record as both stores keep it. A tombstone keeps its slot and version, so a later create
 * continues the version, but not its document: the last document travels in the delete's
 * {@link Change}, and replicas never receive it.
 */
record RecordRow(int slot, long version, boolean deleted, String document) {

  static RecordRow live(int slot, long version, String document) {
    return new RecordRow(slot, version, false, document);
  }

  static RecordRow tombstone(int slot, long version) {
    return new RecordRow(slot, version, true, null);
  }

  /** The row a replicated state stands for; null when the state is absent. */
  static RecordRow of(RecordState state) {
    if (!state.exists()) {
      return null;
    }
    return state.deleted() ? tombstone(state.slot(), state.version())
        : live(state.slot(), state.version(), state.document().toString());
  }

  /** The row an applied entry leaves. */
  static RecordRow of(OplogEntry entry) {
    return entry.deleted() ? tombstone(entry.slot(), entry.version())
        : live(entry.slot(), entry.version(), entry.document().toString());
  }

  /** As clients see it; only meaningful for a live row. */
  StoredRecord toRecord(String collection, String key) {
    return new StoredRecord(collection, key, slot, version, Buffer.buffer(document));
  }

  RecordState toState(String collection, String key) {
    return new RecordState(collection, key, slot, version, deleted, deleted ? null : Buffer.buffer(document));
  }
}
