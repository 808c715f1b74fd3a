package io.shardgate.cachenode.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.benmanes.caffeine.cache.RemovalCause;
import io.vertx.core.buffer.Buffer;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class VersionedCacheTest {
  private static final long TTL = 60_000;

  private final AtomicLong clock = new AtomicLong(1_000L);
  private final VersionedCache cache = new VersionedCache(1 << 20, clock::get);

  @Test
  void aFilledEntryIsReadBackWithItsVersionAndBytes() {
    assertThat(cache.fillIfNewer("expenses", "k1", 3, json("{\"a\":1}"), TTL)).isTrue();

    VersionedCache.Hit hit = cache.get("expenses", "k1").orElseThrow();
    assertThat(hit.version()).isEqualTo(3);
    assertThat(hit.body().toString()).isEqualTo("{\"a\":1}");
    assertThat(cache.get("expenses", "other")).isEmpty();
    assertThat(cache.get("other", "k1")).isEmpty();
    assertThat(cache.hits()).isEqualTo(1);
    assertThat(cache.misses()).isEqualTo(2);
    assertThat(cache.fills()).isEqualTo(1);
  }

  @Test
  void theStoreKeepsItsOwnCopyOfTheBody() {
    Buffer body = json("{\"a\":1}");
    cache.fillIfNewer("expenses", "k1", 1, body, TTL);
    body.setByte(6, (byte) '9');

    assertThat(cache.get("expenses", "k1").orElseThrow().body().toString()).isEqualTo("{\"a\":1}");
  }

  @Test
  void aHigherVersionReplacesTheEntry() {
    cache.fillIfNewer("expenses", "k1", 1, json("{\"v\":1}"), TTL);

    assertThat(cache.fillIfNewer("expenses", "k1", 2, json("{\"v\":2}"), TTL)).isTrue();
    assertThat(cache.get("expenses", "k1").orElseThrow().body().toString()).isEqualTo("{\"v\":2}");
    assertThat(cache.fills()).isEqualTo(2);
  }

  @Test
  void anEqualOrLowerVersionIsRejectedAsStale() {
    cache.fillIfNewer("expenses", "k1", 5, json("{\"v\":5}"), TTL);

    assertThat(cache.fillIfNewer("expenses", "k1", 5, json("{\"v\":\"other 5\"}"), TTL)).isFalse();
    assertThat(cache.fillIfNewer("expenses", "k1", 4, json("{\"v\":4}"), TTL)).isFalse();
    VersionedCache.Hit hit = cache.get("expenses", "k1").orElseThrow();
    assertThat(hit.version()).isEqualTo(5);
    assertThat(hit.body().toString()).isEqualTo("{\"v\":5}");
    assertThat(cache.staleFillsRejected()).isEqualTo(2);
    assertThat(cache.fills()).isEqualTo(1);
  }

  @Test
  void aTombstoneIsAMissAndBlocksFillsOfItsVersionOrOlder() {
    cache.fillIfNewer("expenses", "k1", 1, json("{\"v\":1}"), TTL);
    cache.invalidate("expenses", "k1", 2, TTL);

    assertThat(cache.get("expenses", "k1")).isEmpty();
    assertThat(cache.fillIfNewer("expenses", "k1", 1, json("{\"v\":1}"), TTL)).isFalse();
    assertThat(cache.fillIfNewer("expenses", "k1", 2, json("{\"v\":2}"), TTL)).isFalse();
    assertThat(cache.get("expenses", "k1")).isEmpty();

    assertThat(cache.fillIfNewer("expenses", "k1", 3, json("{\"v\":3}"), TTL)).isTrue();
    assertThat(cache.get("expenses", "k1").orElseThrow().version()).isEqualTo(3);
    assertThat(cache.invalidations()).isEqualTo(1);
    assertThat(cache.staleFillsRejected()).isEqualTo(2);
  }

  @Test
  void anInvalidationOfAnOlderVersionKeepsTheHigherOne() {
    cache.fillIfNewer("expenses", "k1", 7, json("{\"v\":7}"), TTL);
    cache.invalidate("expenses", "k1", 3, TTL);

    assertThat(cache.get("expenses", "k1")).isEmpty();
    assertThat(cache.fillIfNewer("expenses", "k1", 7, json("{\"v\":7}"), TTL)).isFalse();
    assertThat(cache.fillIfNewer("expenses", "k1", 8, json("{\"v\":8}"), TTL)).isTrue();
  }

  @Test
  void anInvalidationOfAnAbsentKeyStillBlocksOlderFills() {
    cache.invalidate("expenses", "k1", 4, TTL);

    assertThat(cache.fillIfNewer("expenses", "k1", 4, json("{}"), TTL)).isFalse();
    assertThat(cache.fillIfNewer("expenses", "k1", 5, json("{}"), TTL)).isTrue();
  }

  @Test
  void anEntryExpiresAfterItsOwnTtl() {
    cache.fillIfNewer("expenses", "short", 1, json("{}"), 1_000);
    cache.fillIfNewer("expenses", "long", 1, json("{}"), 10_000);

    advance(999);
    assertThat(cache.get("expenses", "short")).isPresent();
    advance(1);
    assertThat(cache.get("expenses", "short")).isEmpty();
    assertThat(cache.get("expenses", "long")).isPresent();
    advance(9_000);
    assertThat(cache.get("expenses", "long")).isEmpty();

    cache.cleanUp();
    assertThat(cache.entries()).isZero();
    assertThat(cache.evictions(RemovalCause.EXPIRED)).isEqualTo(2);
    assertThat(cache.evictions()).isEqualTo(2);
  }

  @Test
  void aTombstoneStopsBlockingOnceItExpires() {
    cache.invalidate("expenses", "k1", 9, 1_000);
    advance(1_000);

    assertThat(cache.fillIfNewer("expenses", "k1", 2, json("{}"), TTL)).isTrue();
    assertThat(cache.get("expenses", "k1").orElseThrow().version()).isEqualTo(2);
  }

  @Test
  void aRejectedFillDoesNotExtendTheHeldEntrysLife() {
    cache.fillIfNewer("expenses", "k1", 5, json("{}"), 1_000);
    advance(600);
    assertThat(cache.fillIfNewer("expenses", "k1", 4, json("{}"), 1_000)).isFalse();
    advance(400);

    assertThat(cache.get("expenses", "k1")).isEmpty();
  }

  @Test
  void aShortInvalidationDoesNotShortenAnEarlierTombstone() {
    cache.invalidate("expenses", "k1", 9, 10_000);
    cache.invalidate("expenses", "k1", 3, 1);
    advance(5_000);

    assertThat(cache.fillIfNewer("expenses", "k1", 9, json("{}"), TTL)).isFalse();
  }

  @Test
  void fillingTenTimesTheCapacityStaysWithinTheByteBoundAndCountsEvictions() {
    long maxBytes = 64 * 1024;
    VersionedCache small = new VersionedCache(maxBytes, clock::get);
    Buffer body = Buffer.buffer(new byte[1000]);
    long perEntry = 1000 + "expenses".length() + 6 + VersionedCache.ENTRY_OVERHEAD_BYTES;
    int fills = (int) (10 * maxBytes / perEntry) + 1;
    for (int i = 0; i < fills; i++) {
      small.fillIfNewer("expenses", String.format("k%05d", i), 1, body, TTL);
    }
    small.cleanUp();

    assertThat(small.bytes()).isPositive().isLessThanOrEqualTo(maxBytes);
    assertThat(small.entries() * perEntry).isEqualTo(small.bytes());
    assertThat(small.evictions(RemovalCause.SIZE)).isEqualTo(fills - small.entries()).isGreaterThan(fills / 2);
    assertThat(small.stats().evictions()).isEqualTo(small.evictions(RemovalCause.SIZE));
  }

  @Test
  void bytesCountKeysBodiesAndOverheadAndTombstonesWeighTheirKeyOnly() {
    cache.fillIfNewer("ab", "cdé", 1, json("0123456789"), TTL);
    cache.cleanUp();
    assertThat(cache.bytes()).isEqualTo(2 + 4 + 10 + VersionedCache.ENTRY_OVERHEAD_BYTES);

    cache.invalidate("ab", "cdé", 2, TTL);
    cache.cleanUp();
    assertThat(cache.bytes()).isEqualTo(2 + 4 + VersionedCache.ENTRY_OVERHEAD_BYTES);
    assertThat(cache.entries()).isEqualTo(1);
  }

  @Test
  void clearDropsEntriesAndTombstonesWithoutCountingEvictions() {
    cache.fillIfNewer("expenses", "k1", 1, json("{}"), TTL);
    cache.invalidate("expenses", "k2", 5, TTL);
    cache.clear();
    cache.cleanUp();

    assertThat(cache.entries()).isZero();
    assertThat(cache.bytes()).isZero();
    assertThat(cache.evictions()).isZero();
    assertThat(cache.fillIfNewer("expenses", "k2", 1, json("{}"), TTL)).isTrue();
  }

  @Test
  void limitsRejectNonsenseWithAPreciseMessage() {
    assertThatThrownBy(() -> new CacheLimits(1024, 2048, TTL))
        .hasMessageContaining("maxEntryBytes must be in 1..1024");
    assertThatThrownBy(() -> new CacheLimits(1024, 512, 0))
        .hasMessageContaining("defaultTtlMs");
    assertThat(CacheLimits.ofMaxBytes(4096).maxEntryBytes()).isEqualTo(4096);
    assertThat(CacheLimits.DEFAULTS.maxBytes()).isEqualTo(64L * 1024 * 1024);
  }

  private void advance(long millis) {
    clock.addAndGet(millis);
  }

  private static Buffer json(String text) {
    return Buffer.buffer(text);
  }
}
