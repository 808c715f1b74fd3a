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

  /** The record, or null when absent. */
  Future<StoredRecord> get(String collection, String key);

  /** Inserts a new record at version 1; fails with AlreadyExists. */
  Future<StoredRecord> create(String collection, String key, int slot, JsonObject document);

  /** Replaces the whole document of an existing record; version + 1. */
  Future<StoredRecord> replace(String collection, String key, JsonObject document, Precondition precondition);

  /** Merges the patch's top-level fields into an existing record; version + 1. */
  Future<StoredRecord> update(String collection, String key, JsonObject patch, Precondition precondition);

  /** Deletes an existing record; completes with the deleted record's last state. */
  Future<StoredRecord> delete(String collection, String key, Precondition precondition);

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
