package io.shardgate.shardnode.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Comparator;
import java.util.function.Supplier;

/**
 * The rules both stores apply, kept in one place so the in-memory store behaves exactly like the
 * MySQL one: argument checks, precondition checks, the update merge and the key order.
 */
final class StoreRules {

  /**
   * Unicode code point order, which is the order of MariaDB's utf8mb4_nopad_bin collation.
   * {@link String#compareTo} compares UTF-16 units and would sort U+FFFD after an emoji.
   */
  static final Comparator<String> CODE_POINT_ORDER = StoreRules::compareCodePoints;

  private StoreRules() {}

  /** Runs an operation so that an argument error becomes a failed future instead of a throw. */
  static <T> Future<T> attempt(Supplier<Future<T>> operation) {
    try {
      return operation.get();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  static void requireValidCreate(String collection, String key, int slot, JsonObject document) {
    RecordStore.requireValidId(collection, key);
    requireValidSlot(slot);
    requirePresent("document", document);
  }

  static void requireValidSlot(int slot) {
    if (slot < 0) {
      throw new IllegalArgumentException("slot must not be negative, was " + slot);
    }
  }

  /** For replace ({@code bodyName} "document") and update ("patch"). */
  static void requireValidChange(
      String collection, String key, String bodyName, JsonObject body, Precondition precondition) {
    RecordStore.requireValidId(collection, key);
    requirePresent(bodyName, body);
    requirePresent("precondition", precondition);
  }

  static void requireValidDelete(String collection, String key, Precondition precondition) {
    RecordStore.requireValidId(collection, key);
    requirePresent("precondition", precondition);
  }

  /**
   * The failure a write to a live record at {@code currentVersion} must complete with, or null when
   * the precondition holds. An absent record or a tombstone is NotFound before this is asked.
   */
  static StoreException violation(String collection, String key, Precondition precondition, long currentVersion) {
    if (precondition instanceof Precondition.Version expected && expected.expected() != currentVersion) {
      return new StoreException.VersionMismatch(collection, key, currentVersion);
    }
    return null;
  }

  /**
   * The stored document with the patch's top-level fields put into it: a field in the patch
   * replaces the stored field whole (objects are not merged recursively) and a JSON null is stored
   * as null, not removed.
   */
  static String merge(String storedDocument, JsonObject patch) {
    return new JsonObject(storedDocument).mergeIn(patch).encode();
  }

  static void requirePresent(String what, Object value) {
    if (value == null) {
      throw new IllegalArgumentException(what + " must not be null");
    }
  }

  private static int compareCodePoints(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }
}
