package io.shardgate.shardnode.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What every {@link RecordStore} must do. Each subclass runs all of it against one implementation,
 * so the dev-mode store cannot drift from the MySQL one. Store calls are made from the test thread
 * and their futures awaited there, never on an event loop. Each test writes to its own collection,
 * and tests that look at positions use a slot of their own, so a store whose data outlives one test
 * (MySQL) needs no cleaning between tests; tests that look at every slot (positions(), checksums(),
 * trim) or need a second node use empty stores of their own.
 */
abstract class RecordStoreContract {

  private static final long TIMEOUT_SECONDS = 30;
  private static final AtomicInteger COLLECTIONS = new AtomicInteger();
  /** Slots of their own start above those the record tests use (0..60). */
  private static final AtomicInteger SLOTS = new AtomicInteger(1000);
  /** The epoch of the record tests' writes; tests of epochs use slots of their own. */
  protected static final long EPOCH = 1;

  protected Vertx vertx;
  protected RecordStore store;
  /** A collection no other test writes to. */
  protected String collection;
  /** A slot no other test writes to. */
  protected int slot;
  private final List<RecordStore> emptyStores = new ArrayList<>();

  /** A new, not yet started store; tests start and close it. */
  protected abstract RecordStore newStore(Vertx vertx);

  /** A new, not yet started store that holds no data, like another node's (MySQL: a database of its own). */
  protected abstract RecordStore newEmptyStore(Vertx vertx);

  /** The store's key listing, in code point order. */
  protected abstract Future<List<String>> keys(RecordStore store, String collection);

  /** The store's record count over all collections. */
  protected abstract Future<Long> count(RecordStore store);

  @BeforeEach
  void startStore() {
    long blockedMs = Long.getLong("shardgate.blockedThreadMs", 2000);
    vertx = Vertx.vertx(new VertxOptions()
        .setMaxEventLoopExecuteTime(blockedMs)
        .setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS));
    store = newStore(vertx);
    await(store.start());
    collection = "c" + COLLECTIONS.incrementAndGet() + "_" + getClass().getSimpleName();
    slot = newSlot();
  }

  @AfterEach
  void closeStore() {
    try {
      for (RecordStore empty : emptyStores) {
        await(empty.close());
      }
      await(store.close());
    } finally {
      await(vertx.close());
    }
  }

  /** A started store with no data, closed after the test. */
  protected RecordStore emptyStore() {
    RecordStore empty = newEmptyStore(vertx);
    emptyStores.add(empty);
    await(empty.start());
    return empty;
  }

  protected static int newSlot() {
    return SLOTS.incrementAndGet();
  }

  // The record tests write as acting primary under EPOCH and look at what a client sees.

  protected Future<StoredRecord> create(String collection, String key, int slot, JsonObject document) {
    return store.create(collection, key, slot, document, EPOCH).map(Change::record);
  }

  protected Future<StoredRecord> replace(String collection, String key, JsonObject document, Precondition precondition) {
    return store.replace(collection, key, document, precondition, EPOCH).map(Change::record);
  }

  protected Future<StoredRecord> update(String collection, String key, JsonObject patch, Precondition precondition) {
    return store.update(collection, key, patch, precondition, EPOCH).map(Change::record);
  }

  protected Future<StoredRecord> delete(String collection, String key, Precondition precondition) {
    return store.delete(collection, key, precondition, EPOCH).map(Change::record);
  }

  // ---- create and get

  @Test
  void createStoresVersionOneAndGetReturnsIt() {
    JsonObject document = new JsonObject().put("amount", 42).put("note", "lunch");

    StoredRecord created = await(create(collection, "k1", 17, document));
    StoredRecord read = await(store.get(collection, "k1"));

    for (StoredRecord record : List.of(created, read)) {
      assertThat(record.collection()).isEqualTo(collection);
      assertThat(record.key()).isEqualTo("k1");
      assertThat(record.slot()).isEqualTo(17);
      assertThat(record.version()).isEqualTo(1);
      assertThat(json(record)).isEqualTo(document);
    }
  }

  @Test
  void getOfAnAbsentKeyIsNull() {
    await(create(collection, "present", 1, new JsonObject()));

    assertThat(await(store.get(collection, "absent"))).isNull();
    assertThat(await(store.get(collection + "_other", "present"))).isNull();
  }

  @Test
  void createOfAnExistingKeyFailsWithAlreadyExistsAndKeepsTheRecord() {
    await(create(collection, "k", 3, new JsonObject().put("first", true)));

    Throwable failure = failureOf(create(collection, "k", 4, new JsonObject().put("second", true)));

    assertThat(failure).isInstanceOf(StoreException.AlreadyExists.class).hasMessageContaining("k");
    StoredRecord kept = await(store.get(collection, "k"));
    assertThat(kept.version()).isEqualTo(1);
    assertThat(kept.slot()).isEqualTo(3);
    assertThat(json(kept)).isEqualTo(new JsonObject().put("first", true));
  }

  @Test
  void theSameKeyInTwoCollectionsIsTwoRecords() {
    String other = collection + "_b";
    await(create(collection, "k", 1, new JsonObject().put("in", "a")));
    await(create(other, "k", 2, new JsonObject().put("in", "b")));
    await(update(other, "k", new JsonObject().put("x", 1), Precondition.NONE));

    assertThat(json(await(store.get(collection, "k")))).isEqualTo(new JsonObject().put("in", "a"));
    assertThat(await(store.get(collection, "k")).version()).isEqualTo(1);
    assertThat(await(store.get(other, "k")).version()).isEqualTo(2);
  }

  @Test
  void laterChangesToTheCallersObjectDoNotReachTheStore() {
    JsonObject document = new JsonObject().put("a", 1);
    await(create(collection, "k", 1, document));
    document.put("a", 2).put("b", 3);

    assertThat(json(await(store.get(collection, "k")))).isEqualTo(new JsonObject().put("a", 1));
  }

  // ---- replace

  @Test
  void replaceSwapsTheWholeDocumentAndIncrementsTheVersion() {
    await(create(collection, "k", 9, new JsonObject().put("a", 1).put("b", 2)));

    StoredRecord replaced = await(replace(collection, "k", new JsonObject().put("c", 3), Precondition.NONE));

    assertThat(replaced.version()).isEqualTo(2);
    assertThat(replaced.slot()).isEqualTo(9);
    assertThat(json(replaced)).isEqualTo(new JsonObject().put("c", 3));
    StoredRecord read = await(store.get(collection, "k"));
    assertThat(read.version()).isEqualTo(2);
    assertThat(read.slot()).isEqualTo(9);
    assertThat(json(read)).isEqualTo(new JsonObject().put("c", 3));
  }

  // ---- update

  @Test
  void updateMergesTopLevelFields() {
    JsonObject original = new JsonObject()
        .put("keep", "me")
        .put("change", 1)
        .put("nested", new JsonObject().put("x", 1).put("y", 2))
        .put("list", new JsonArray().add(1).add(2));
    await(create(collection, "k", 1, original));

    JsonObject patch = new JsonObject()
        .put("change", 2)
        .put("nested", new JsonObject().put("z", 3))
        .put("list", new JsonArray().add(3))
        .putNull("cleared")
        .put("added", true);
    StoredRecord updated = await(update(collection, "k", patch, Precondition.NONE));

    JsonObject expected = new JsonObject()
        .put("keep", "me")
        .put("change", 2)
        .put("nested", new JsonObject().put("z", 3))
        .put("list", new JsonArray().add(3))
        .putNull("cleared")
        .put("added", true);
    assertThat(updated.version()).isEqualTo(2);
    assertThat(json(updated)).isEqualTo(expected);
    JsonObject read = json(await(store.get(collection, "k")));
    assertThat(read).isEqualTo(expected);
    assertThat(read.containsKey("cleared")).isTrue();
    assertThat(read.getValue("cleared")).isNull();
  }

  @Test
  void aNullInThePatchOverwritesAStoredValueWithNull() {
    await(create(collection, "k", 1, new JsonObject().put("a", 1).put("b", 2)));

    await(update(collection, "k", new JsonObject().putNull("a"), Precondition.NONE));

    assertThat(json(await(store.get(collection, "k")))).isEqualTo(new JsonObject().putNull("a").put("b", 2));
  }

  @Test
  void anEmptyPatchKeepsTheDocumentAndStillIncrementsTheVersion() {
    JsonObject document = new JsonObject().put("a", 1);
    await(create(collection, "k", 1, document));

    StoredRecord updated = await(update(collection, "k", new JsonObject(), Precondition.NONE));

    assertThat(updated.version()).isEqualTo(2);
    assertThat(json(await(store.get(collection, "k")))).isEqualTo(document);
  }

  // ---- delete

  @Test
  void deleteRemovesTheRecordAndReturnsItsLastDocumentAtTheTombstonesVersion() {
    await(create(collection, "k", 5, new JsonObject().put("a", 1)));
    await(update(collection, "k", new JsonObject().put("b", 2), Precondition.NONE));

    StoredRecord deleted = await(delete(collection, "k", Precondition.NONE));

    assertThat(deleted.version()).isEqualTo(3);
    assertThat(deleted.slot()).isEqualTo(5);
    assertThat(json(deleted)).isEqualTo(new JsonObject().put("a", 1).put("b", 2));
    assertThat(await(store.get(collection, "k"))).isNull();
    assertThat(failureOf(delete(collection, "k", Precondition.NONE)))
        .isInstanceOf(StoreException.NotFound.class);
  }

  @Test
  void aKeyCreatedAgainAfterDeleteContinuesFromTheTombstonesVersion() {
    await(create(collection, "k", 1, new JsonObject().put("life", 1)));
    await(replace(collection, "k", new JsonObject().put("life", 1), Precondition.NONE));
    await(delete(collection, "k", Precondition.NONE));

    StoredRecord again = await(create(collection, "k", 1, new JsonObject().put("life", 2)));

    assertThat(again.version()).isEqualTo(4);
    assertThat(json(await(store.get(collection, "k")))).isEqualTo(new JsonObject().put("life", 2));
  }

  // ---- versions

  @Test
  void everyChangeIncrementsTheVersionByOne() {
    assertThat(await(create(collection, "k", 1, new JsonObject())).version()).isEqualTo(1);
    assertThat(await(replace(collection, "k", new JsonObject().put("a", 1), Precondition.NONE)).version())
        .isEqualTo(2);
    assertThat(await(update(collection, "k", new JsonObject().put("b", 1), Precondition.version(2))).version())
        .isEqualTo(3);
    assertThat(await(update(collection, "k", new JsonObject().put("c", 1), Precondition.EXISTS)).version())
        .isEqualTo(4);
    assertThat(await(replace(collection, "k", new JsonObject(), Precondition.version(4))).version())
        .isEqualTo(5);
    assertThat(await(store.get(collection, "k")).version()).isEqualTo(5);
    assertThat(await(delete(collection, "k", Precondition.version(5))).version()).isEqualTo(6);
  }

  @Test
  void aWriteBasedOnAnOldVersionIsRejectedAfterAnotherWriteWon() {
    await(create(collection, "k", 1, new JsonObject().put("n", 0)));
    await(replace(collection, "k", new JsonObject().put("n", 1), Precondition.version(1)));

    Throwable lost = failureOf(replace(collection, "k", new JsonObject().put("n", 2), Precondition.version(1)));

    assertThat(lost).isInstanceOf(StoreException.VersionMismatch.class);
    assertThat(((StoreException.VersionMismatch) lost).current()).isEqualTo(2);
    assertThat(json(await(store.get(collection, "k")))).isEqualTo(new JsonObject().put("n", 1));
  }

  // ---- preconditions, for each of replace, update and delete

  /** The three writes that take a precondition, so each precondition case runs against all of them. */
  enum Write {
    REPLACE {
      @Override
      Future<StoredRecord> apply(RecordStore store, String collection, String key, Precondition precondition) {
        return store.replace(collection, key, new JsonObject().put("written", "replace"), precondition, EPOCH)
            .map(Change::record);
      }
    },
    UPDATE {
      @Override
      Future<StoredRecord> apply(RecordStore store, String collection, String key, Precondition precondition) {
        return store.update(collection, key, new JsonObject().put("written", "update"), precondition, EPOCH)
            .map(Change::record);
      }
    },
    DELETE {
      @Override
      Future<StoredRecord> apply(RecordStore store, String collection, String key, Precondition precondition) {
        return store.delete(collection, key, precondition, EPOCH).map(Change::record);
      }
    };

    abstract Future<StoredRecord> apply(RecordStore store, String collection, String key, Precondition precondition);
  }

  @ParameterizedTest
  @EnumSource(Write.class)
  void noPreconditionOnAnAbsentRecordIsNotFound(Write write) {
    assertNotFoundAndStillAbsent(write, Precondition.NONE);
  }

  @ParameterizedTest
  @EnumSource(Write.class)
  void existsOnAnAbsentRecordIsNotFound(Write write) {
    assertNotFoundAndStillAbsent(write, Precondition.EXISTS);
  }

  @ParameterizedTest
  @EnumSource(Write.class)
  void aVersionOnAnAbsentRecordIsNotFound(Write write) {
    assertNotFoundAndStillAbsent(write, Precondition.version(1));
  }

  @ParameterizedTest
  @EnumSource(Write.class)
  void noPreconditionOnAPresentRecordApplies(Write write) {
    assertApplies(write, Precondition.NONE);
  }

  @ParameterizedTest
  @EnumSource(Write.class)
  void existsOnAPresentRecordApplies(Write write) {
    assertApplies(write, Precondition.EXISTS);
  }

  @ParameterizedTest
  @EnumSource(Write.class)
  void theCurrentVersionApplies(Write write) {
    assertApplies(write, Precondition.version(2));
  }

  @ParameterizedTest
  @EnumSource(Write.class)
  void anOlderVersionIsAMismatchCarryingTheCurrentOne(Write write) {
    assertMismatchAndUnchanged(write, Precondition.version(1));
  }

  @ParameterizedTest
  @EnumSource(Write.class)
  void aNewerVersionIsAMismatchCarryingTheCurrentOne(Write write) {
    assertMismatchAndUnchanged(write, Precondition.version(3));
  }

  @ParameterizedTest
  @EnumSource(Write.class)
  void versionZeroIsAMismatch(Write write) {
    assertMismatchAndUnchanged(write, Precondition.version(0));
  }

  private void assertNotFoundAndStillAbsent(Write write, Precondition precondition) {
    Throwable failure = failureOf(write.apply(store, collection, "absent", precondition));

    assertThat(failure).isInstanceOf(StoreException.NotFound.class).hasMessageContaining("absent");
    assertThat(await(store.get(collection, "absent"))).isNull();
  }

  /** The record is at version 2 when the write runs. */
  private void assertApplies(Write write, Precondition precondition) {
    createAtVersionTwo("k");

    StoredRecord result = await(write.apply(store, collection, "k", precondition));

    StoredRecord after = await(store.get(collection, "k"));
    if (write == Write.DELETE) {
      assertThat(result.version()).isEqualTo(3);
      assertThat(after).isNull();
    } else {
      assertThat(result.version()).isEqualTo(3);
      assertThat(after.version()).isEqualTo(3);
      assertThat(json(after).getString("written")).isEqualTo(write == Write.REPLACE ? "replace" : "update");
    }
  }

  /** The record is at version 2 when the write runs. */
  private void assertMismatchAndUnchanged(Write write, Precondition precondition) {
    JsonObject before = createAtVersionTwo("k");

    Throwable failure = failureOf(write.apply(store, collection, "k", precondition));

    assertThat(failure).isInstanceOf(StoreException.VersionMismatch.class);
    assertThat(((StoreException.VersionMismatch) failure).current()).isEqualTo(2);
    StoredRecord after = await(store.get(collection, "k"));
    assertThat(after.version()).isEqualTo(2);
    assertThat(json(after)).isEqualTo(before);
  }

  private JsonObject createAtVersionTwo(String key) {
    await(create(collection, key, 1, new JsonObject().put("step", 1)));
    return json(await(update(collection, key, new JsonObject().put("step", 2), Precondition.NONE)));
  }

  // ---- keys and documents

  @Test
  void unicodeKeysAndDocumentsRoundTrip() {
    String unicodeCollection = collection + "_日記";
    String key = "ключ/😀/中文/e\u0301/\u00e9/\u0000end";
    JsonObject document = new JsonObject()
        .put("text", "héllo wörld — 😀🎉 中文 עברית \u0001\t\"quoted\" \\ end")
        .put("😀", "emoji field name")
        .put("combining", "e\u0301")
        .put("astral", new JsonArray().add("𝄞").add("🀄"));

    await(create(unicodeCollection, key, 1, document));
    StoredRecord read = await(store.get(unicodeCollection, key));

    assertThat(read.key()).isEqualTo(key);
    assertThat(read.collection()).isEqualTo(unicodeCollection);
    assertThat(json(read)).isEqualTo(document);
    assertThat(json(read).getString("text")).isEqualTo(document.getString("text"));
    assertThat(await(keys(store, unicodeCollection))).containsExactly(key);
    JsonObject patch = new JsonObject().put("🎉", "ü");
    StoredRecord updated = await(update(unicodeCollection, key, patch, Precondition.version(1)));
    assertThat(json(updated)).isEqualTo(document.copy().put("🎉", "ü"));
  }

  @Test
  void keysThatDifferOnlyInCaseSpacingOrNormalisationAreDifferentRecords() {
    // "e\u0301" and "\u00e9" look alike; "key " has a trailing space (a PAD SPACE collation would
    // merge it with "key"); "Straße" and "STRASSE" are equal under case-insensitive collations.
    List<String> keys = List.of("key", "Key", "KEY", "key ", "caf\u00e9", "cafe\u0301", "Straße", "STRASSE");
    for (int i = 0; i < keys.size(); i++) {
      await(create(collection, keys.get(i), i, new JsonObject().put("i", i)));
    }
    await(update(collection, "Key", new JsonObject().put("touched", true), Precondition.version(1)));

    for (int i = 0; i < keys.size(); i++) {
      StoredRecord read = await(store.get(collection, keys.get(i)));
      assertThat(read.key()).isEqualTo(keys.get(i));
      assertThat(read.slot()).isEqualTo(i);
      assertThat(json(read).getInteger("i")).isEqualTo(i);
      assertThat(read.version()).isEqualTo(keys.get(i).equals("Key") ? 2 : 1);
    }
    assertThat(await(keys(store, collection))).containsExactlyInAnyOrderElementsOf(keys);
    assertThat(await(store.get(collection, "kEy"))).isNull();
  }

  @Test
  void keysAreListedInCodePointOrder() {
    // U+FFFD sorts after an emoji by UTF-16 units but before it by code points.
    for (String key : List.of("\uD83D\uDE00", "b", "\uFFFD", "a", "B", "aa", "a ")) {
      await(create(collection, key, 1, new JsonObject()));
    }
    await(create(collection + "_other", "zzz", 1, new JsonObject()));

    assertThat(await(keys(store, collection)))
        .containsExactly("B", "a", "a ", "aa", "b", "\uFFFD", "\uD83D\uDE00");
  }

  @Test
  void countFollowsCreatesAndDeletes() {
    long before = await(count(store));

    await(create(collection, "a", 1, new JsonObject()));
    await(create(collection, "b", 1, new JsonObject()));
    assertThat(await(count(store))).isEqualTo(before + 2);

    await(delete(collection, "a", Precondition.NONE));
    assertThat(await(count(store))).isEqualTo(before + 1);
  }

  @Test
  void aDocumentOf64KiBRoundTrips() {
    StringBuilder text = new StringBuilder(64 * 1024);
    for (int i = 0; text.length() < 64 * 1024; i++) {
      text.append(i % 10 == 0 ? "ü" : Character.toString('a' + i % 26));
    }
    JsonObject document = new JsonObject().put("big", text.toString()).put("n", 1);
    assertThat(document.encode().length()).isGreaterThan(64 * 1024);

    await(create(collection, "big", 1, document));
    StoredRecord updated = await(update(collection, "big", new JsonObject().put("n", 2), Precondition.version(1)));

    assertThat(json(updated)).isEqualTo(document.copy().put("n", 2));
    StoredRecord read = await(store.get(collection, "big"));
    assertThat(read.document().length()).isEqualTo(updated.document().length());
    assertThat(json(read).getString("big")).isEqualTo(text.toString());
    assertThat(json(read).getInteger("n")).isEqualTo(2);
  }

  @Test
  void keysThatLookLikeSqlAreJustKeys() {
    String key = "x'); DROP TABLE records; -- \\ \" `";
    await(create(collection, key, 1, new JsonObject().put("v", "'; DELETE FROM records; --")));

    assertThat(await(store.get(collection, key)).key()).isEqualTo(key);
    assertThat(json(await(store.get(collection, key))).getString("v")).isEqualTo("'; DELETE FROM records; --");
    assertThat(await(store.get(collection, "x"))).isNull();
  }

  // ---- argument limits

  @Test
  void keysAndCollectionsUpToTheLimitInCharactersAreAccepted() {
    String longestKey = "😀".repeat(RecordStore.MAX_KEY_LENGTH);
    String longestCollection = "é".repeat(RecordStore.MAX_COLLECTION_LENGTH - collection.length()) + collection;

    await(create(longestCollection, longestKey, 1, new JsonObject().put("ok", true)));

    assertThat(await(store.get(longestCollection, longestKey)).key()).isEqualTo(longestKey);
  }

  @Test
  void invalidArgumentsFailTheFutureAndStoreNothing() {
    String tooLongKey = "😀".repeat(RecordStore.MAX_KEY_LENGTH + 1);
    String tooLongCollection = "c".repeat(RecordStore.MAX_COLLECTION_LENGTH + 1);
    JsonObject document = new JsonObject();

    assertInvalid(create(collection, tooLongKey, 1, document), "key is 256 characters");
    assertInvalid(create(tooLongCollection, "k", 1, document), "collection is 65 characters");
    assertInvalid(create(collection, "", 1, document), "key must not be empty");
    assertInvalid(create(collection, null, 1, document), "key must not be empty");
    assertInvalid(create(collection, "bad\uD800", 1, document), "unpaired surrogate");
    assertInvalid(create(collection, "k", -1, document), "slot");
    assertInvalid(create(collection, "k", 1, null), "document");
    assertInvalid(replace(collection, "k", null, Precondition.NONE), "document");
    assertInvalid(update(collection, "k", null, Precondition.NONE), "patch");
    assertInvalid(delete(collection, "k", null), "precondition");
    assertInvalid(store.get(collection, "\uDC00"), "unpaired surrogate");
    assertThat(await(keys(store, collection))).isEmpty();
  }

  // ---- concurrency

  @Test
  void concurrentUpdatesOfOneKeyAllApplyWithConsecutiveVersions() throws Exception {
    int writers = 40;
    await(create(collection, "hot", 1, new JsonObject()));
    ExecutorService callers = Executors.newFixedThreadPool(8);
    List<Future<StoredRecord>> updates = new ArrayList<>();
    try {
      List<java.util.concurrent.Future<Future<StoredRecord>>> submitted = new ArrayList<>();
      for (int i = 0; i < writers; i++) {
        JsonObject patch = new JsonObject().put("w" + i, i);
        submitted.add(callers.submit(() -> update(collection, "hot", patch, Precondition.EXISTS)));
      }
      for (java.util.concurrent.Future<Future<StoredRecord>> call : submitted) {
        updates.add(call.get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
      }
    } finally {
      callers.shutdownNow();
    }

    List<Long> versions = new ArrayList<>();
    for (Future<StoredRecord> update : updates) {
      versions.add(await(update).version());
    }

    assertThat(versions).containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(2, writers + 1).boxed().toList());
    StoredRecord last = await(store.get(collection, "hot"));
    assertThat(last.version()).isEqualTo(writers + 1);
    JsonObject expected = new JsonObject();
    for (int i = 0; i < writers; i++) {
      expected.put("w" + i, i);
    }
    assertThat(json(last)).isEqualTo(expected);
  }

  @Test
  void concurrentCreatesOfOneKeyLetExactlyOneWin() {
    int creators = 20;
    List<Future<StoredRecord>> creates = new ArrayList<>();
    for (int i = 0; i < creators; i++) {
      creates.add(create(collection, "once", i, new JsonObject().put("by", i)));
    }

    int won = 0;
    int rejected = 0;
    for (Future<StoredRecord> create : creates) {
      Throwable failure = failureOrNull(create);
      if (failure == null) {
        won++;
      } else {
        assertThat(failure).isInstanceOf(StoreException.AlreadyExists.class);
        rejected++;
      }
    }

    assertThat(won).isEqualTo(1);
    assertThat(rejected).isEqualTo(creators - 1);
    StoredRecord stored = await(store.get(collection, "once"));
    assertThat(stored.version()).isEqualTo(1);
    assertThat(json(stored).getInteger("by")).isEqualTo(stored.slot());
  }

  @Test
  void resultsArriveOnTheCallersContext() throws Exception {
    Context caller = vertx.getOrCreateContext();
    CompletableFuture<List<Boolean>> onCaller = new CompletableFuture<>();
    caller.runOnContext(ignored -> {
      List<Boolean> checks = new ArrayList<>();
      create(collection, "ctx", 1, new JsonObject())
          .andThen(created -> checks.add(Vertx.currentContext() == caller))
          .compose(created -> update(collection, "ctx", new JsonObject().put("a", 1), Precondition.version(1)))
          .andThen(updated -> checks.add(Vertx.currentContext() == caller))
          .compose(updated -> store.get(collection, "ctx"))
          .andThen(read -> checks.add(Vertx.currentContext() == caller))
          .compose(read -> delete(collection, "ctx", Precondition.version(9)))
          .onComplete(deleted -> {
            checks.add(deleted.cause() instanceof StoreException.VersionMismatch);
            checks.add(Vertx.currentContext() == caller);
            onCaller.complete(checks);
          });
    });

    assertThat(onCaller.get(TIMEOUT_SECONDS, TimeUnit.SECONDS)).containsExactly(true, true, true, true, true);
  }

  // ---- helpers

  protected static JsonObject json(StoredRecord record) {
    assertThat(record).as("record").isNotNull();
    return new JsonObject(record.document());
  }

  /** The future's value, waiting on the test thread; a failure is rethrown as it is. */
  protected static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new AssertionError("future failed", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    } catch (TimeoutException e) {
      throw new AssertionError("future did not complete within " + TIMEOUT_SECONDS + " s", e);
    }
  }

  /** The future's failure; fails the test when it succeeds. */
  protected static Throwable failureOf(Future<?> future) {
    Throwable failure = failureOrNull(future);
    assertThat(failure).as("expected the future to fail").isNotNull();
    return failure;
  }

  /** The future's failure, or null when it succeeds. */
  protected static Throwable failureOrNull(Future<?> future) {
    CompletableFuture<?> completion = future.toCompletionStage().toCompletableFuture();
    try {
      completion.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      return null;
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    } catch (TimeoutException e) {
      throw new AssertionError("future did not complete within " + TIMEOUT_SECONDS + " s", e);
    }
  }

  private static void assertInvalid(Future<?> future, String messagePart) {
    assertThat(failureOf(future)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(messagePart);
  }

  @Test
  void awaitRethrowsTheStoreFailure() {
    // Guards the helpers above: a failed future must not look like a success.
    assertThatThrownBy(() -> await(Future.failedFuture(new StoreException.NotFound("c", "k"))))
        .isInstanceOf(StoreException.NotFound.class);
  }
}
