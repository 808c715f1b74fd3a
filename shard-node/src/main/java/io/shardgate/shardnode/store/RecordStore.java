package io.shardgate.shardnode.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * A shard node's record storage. Every method completes on the caller's context and never blocks.
 * Failures that are an expected outcome of the request complete with a {@link StoreException};
 * anything else (database down) fails with another exception. Arguments outside the limits below
 * fail with {@link IllegalArgumentException}; nothing is stored then.
 */
public interface RecordStore {

  /** Longest collection name, in Unicode code points (the MySQL column is VARCHAR(64)). */
  int MAX_COLLECTION_LENGTH = 64;

  /** Longest key, in Unicode code points (the MySQL column is VARCHAR(255)). */
  int MAX_KEY_LENGTH = 255;

  /** Creates tables etc. if needed. */
  Future<Void> start();

  /** The live record, or null when absent or deleted. */
  Future<StoredRecord> get(String collection, String key);

  // ---- Writes as acting primary -------------------------------------------------------------
  // Each applies the change and appends its oplog entry (slot, epoch, seq) in one transaction. The
  // epoch must be at least the slot's current epoch (else StaleEpoch); under a new epoch seq restarts
  // at 1, and the entry's previous position is the slot's position before the write. Deletes leave a
  // tombstone whose version continues the record's, so versions of a key never repeat; a create over
  // a tombstone continues from the tombstone's version.

  /** Creates a record (version 1, or tombstone + 1); fails with AlreadyExists when a live one exists. */
  Future<Change> create(String collection, String key, int slot, JsonObject document, long epoch);

  /** Replaces the whole document of a live record; version + 1. */
  Future<Change> replace(String collection, String key, JsonObject document, Precondition precondition, long epoch);

  /** Merges the patch's top-level fields into a live record; version + 1. */
  Future<Change> update(String collection, String key, JsonObject patch, Precondition precondition, long epoch);

  /** Turns a live record into a tombstone (version + 1); the Change's record carries the last document. */
  Future<Change> delete(String collection, String key, Precondition precondition, long epoch);

  // ---- Replication and catch-up --------------------------------------------------------------

  /** The slot's current position; ZERO when nothing was ever written or applied. */
  Future<SlotPosition> position(int slot);

  /** Every slot's position that is not ZERO. */
  Future<java.util.Map<Integer, SlotPosition>> positions();

  /**
   * Applies an entry received from the acting primary, in one transaction: fails with StaleEpoch when
   * entry.epoch is below the slot's epoch; succeeds without change when the entry's position is not
   * after the slot's (a duplicate); fails with Gap when entry.previous differs from the slot's position;
   * else stores the record state if entry.version is above the stored version (tombstones included),
   * appends the entry to the local oplog and moves the slot's position to it.
   */
  Future<Void> apply(OplogEntry entry);

  /**
   * Entries of the slot after {@code after}, for a replica catching up; see {@link LogSlice}. At most
   * {@code limit} entries.
   */
  Future<LogSlice> readLog(int slot, SlotPosition after, int limit);

  /** This node's own entries of the slot after a position, in order (to find what must be repaired). */
  Future<java.util.List<OplogEntry>> entriesAfter(int slot, SlotPosition after);

  /** A record's raw state including tombstones; {@link RecordState#absent} when never stored. */
  Future<RecordState> state(String collection, String key, int slot);

  /**
   * Repairs entries this node applied but that were never acknowledged: in one transaction, stores each
   * given state (absent → the row is removed), deletes the slot's own oplog entries after
   * {@code common}, and sets the slot's position to {@code common}.
   */
  Future<Void> repair(int slot, SlotPosition common, java.util.List<RecordState> states);

  /** A consistent copy of one slot (records and tombstones) with the position it reflects. */
  Future<SlotSnapshot> snapshot(int slot);

  /**
   * Replaces the slot's contents with a snapshot in one transaction: the slot's records become exactly
   * the snapshot's, its oplog is emptied, and its position and trim boundary become the snapshot's.
   */
  Future<Void> install(SlotSnapshot snapshot);

  /** Live-record checksums of every slot that has records. */
  Future<java.util.Map<Integer, SlotChecksum>> checksums();

  /**
   * Bounds the oplog: keeps at most {@code keepPerSlot} newest entries per slot, remembering per slot
   * the last trimmed position (so readLog can answer {@code trimmed}). Completes with the number of
   * entries removed and of slots examined. A store may skip the slots that gained no entry since its
   * previous pass, unless that pass kept more entries per slot.
   */
  Future<TrimPass> trim(int keepPerSlot);

  Future<Void> close();

  /**
   * Checks a collection and key against the limits every store enforces: not empty, at most
   * {@link #MAX_COLLECTION_LENGTH} / {@link #MAX_KEY_LENGTH} code points, and valid UTF-16 (an
   * unpaired surrogate cannot be stored as UTF-8 and would collide with other keys). Stores fail a
   * call with this exception; the HTTP layer can call it first to answer 400.
   *
   * @throws IllegalArgumentException naming the offending part
   */
  static void requireValidId(String collection, String key) {
    requireValidName("collection", collection, MAX_COLLECTION_LENGTH);
    requireValidName("key", key, MAX_KEY_LENGTH);
  }

  private static void requireValidName(String what, String value, int maxLength) {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException(what + " must not be empty");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean pairStart = Character.isHighSurrogate(c)
          && i + 1 < value.length()
          && Character.isLowSurrogate(value.charAt(i + 1));
      if (pairStart) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw new IllegalArgumentException(what + " has an unpaired surrogate at index " + i);
      }
    }
    int length = value.codePointCount(0, value.length());
    if (length > maxLength) {
      throw new IllegalArgumentException(
          what + " is " + length + " characters long; at most " + maxLength + " are allowed");
    }
  }
}
