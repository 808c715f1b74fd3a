package io.shardgate.shardnode.store;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/**
 * The dev-mode store: records in a concurrent map, lost when the process exits. Each write is one
 * atomic map operation, so the store may be shared between event loops and behaves like the MySQL
 * store under concurrent writes to one key. Futures are already complete when returned.
 */
public final class InMemoryRecordStore implements RecordStore {

  private record Id(String collection, String key) {}

  /** Documents are kept encoded, so a caller mutating its JsonObject cannot change stored data. */
  private record Entry(int slot, long version, String document) {
    StoredRecord toRecord(Id id) {
      return new StoredRecord(id.collection(), id.key(), slot, version, Buffer.buffer(document));
    }
  }

  private final ConcurrentMap<Id, Entry> records = new ConcurrentHashMap<>();

  @Override
  public Future<Void> start() {
    return Future.succeededFuture();
  }

  @Override
  public Future<StoredRecord> get(String collection, String key) {
    return StoreRules.attempt(() -> {
      RecordStore.requireValidId(collection, key);
      Id id = new Id(collection, key);
      Entry entry = records.get(id);
      return Future.succeededFuture(entry == null ? null : entry.toRecord(id));
    });
  }

  @Override
  public Future<StoredRecord> create(String collection, String key, int slot, JsonObject document) {
    return StoreRules.attempt(() -> {
      StoreRules.requireValidCreate(collection, key, slot, document);
      Id id = new Id(collection, key);
      Entry created = new Entry(slot, 1, document.encode());
      if (records.putIfAbsent(id, created) != null) {
        return Future.failedFuture(new StoreException.AlreadyExists(collection, key));
      }
      return Future.succeededFuture(created.toRecord(id));
    });
  }

  @Override
  public Future<StoredRecord> replace(
      String collection, String key, JsonObject document, Precondition precondition) {
    return StoreRules.attempt(() -> {
      StoreRules.requireValidChange(collection, key, "document", document, precondition);
      String replacement = document.encode();
      return change(new Id(collection, key), precondition, stored -> replacement);
    });
  }

  @Override
  public Future<StoredRecord> update(
      String collection, String key, JsonObject patch, Precondition precondition) {
    return StoreRules.attempt(() -> {
      StoreRules.requireValidChange(collection, key, "patch", patch, precondition);
      return change(new Id(collection, key), precondition, stored -> StoreRules.merge(stored, patch));
    });
  }

  @Override
  public Future<StoredRecord> delete(String collection, String key, Precondition precondition) {
    return StoreRules.attempt(() -> {
      StoreRules.requireValidDelete(collection, key, precondition);
      Id id = new Id(collection, key);
      AtomicReference<Entry> deleted = new AtomicReference<>();
      try {
        records.computeIfPresent(id, (ignored, current) -> {
          requireSatisfied(id, precondition, current);
          deleted.set(current);
          return null;
        });
      } catch (StoreException e) {
        return Future.failedFuture(e);
      }
      Entry last = deleted.get();
      return last == null
          ? Future.failedFuture(new StoreException.NotFound(collection, key))
          : Future.succeededFuture(last.toRecord(id));
    });
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }

  /** Number of records in all collections. */
  public Future<Long> count() {
    return Future.succeededFuture((long) records.size());
  }

  /** The keys of one collection in code point order (the MySQL store's order). */
  public Future<List<String>> keys(String collection) {
    return StoreRules.attempt(() -> {
      StoreRules.requirePresent("collection", collection);
      List<String> keys = records.keySet().stream()
          .filter(id -> id.collection().equals(collection))
          .map(Id::key)
          .sorted(StoreRules.CODE_POINT_ORDER)
          .toList();
      return Future.succeededFuture(keys);
    });
  }

  /** Applies one change atomically: the check and the new version see the same stored entry. */
  private Future<StoredRecord> change(Id id, Precondition precondition, UnaryOperator<String> newDocument) {
    try {
      Entry changed = records.compute(id, (ignored, current) -> {
        requireSatisfied(id, precondition, current);
        return new Entry(current.slot(), current.version() + 1, newDocument.apply(current.document()));
      });
      return Future.succeededFuture(changed.toRecord(id));
    } catch (StoreException e) {
      return Future.failedFuture(e);
    }
  }

  /** Throws out of the map's compute function, which leaves the mapping unchanged. */
  private static void requireSatisfied(Id id, Precondition precondition, Entry current) {
    if (current == null) {
      throw new StoreException.NotFound(id.collection(), id.key());
    }
    StoreException violation = StoreRules.violation(id.collection(), id.key(), precondition, current.version());
    if (violation != null) {
      throw violation;
    }
  }
}
