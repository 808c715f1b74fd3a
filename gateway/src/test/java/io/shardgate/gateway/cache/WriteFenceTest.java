package io.shardgate.gateway.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class WriteFenceTest {
  private static final long TTL = 60_000;
  private final AtomicLong now = new AtomicLong(1_000_000);
  private final WriteFence fence = new WriteFence(now::get);

  @Test
  void copiesOlderThanAnAcknowledgedWriteAreRefusedUntilTheInvalidationIsConfirmed() {
    assertThat(fence.allows("expenses", "1", 4)).isTrue();
    fence.written("expenses", "1", 5, TTL);
    assertThat(fence.allows("expenses", "1", 4)).isFalse();
    assertThat(fence.allows("expenses", "1", 5)).isTrue();
    assertThat(fence.allows("expenses", "1", 6)).isTrue();
    assertThat(fence.allows("expenses", "2", 1)).as("other keys").isTrue();
    assertThat(fence.allows("notes", "1", 1)).as("other collections").isTrue();
    fence.confirmed("expenses", "1", 5);
    assertThat(fence.allows("expenses", "1", 4)).isTrue();
    assertThat(fence.size()).isZero();
  }

  @Test
  void aLookupKeepsTheFloorOfWhenItStartedEvenIfTheFenceIsConfirmedMeanwhile() {
    assertThat(fence.floor("expenses", "1")).isZero();
    fence.written("expenses", "1", 5, TTL);
    long floor = fence.floor("expenses", "1"); // a cache lookup starts
    fence.confirmed("expenses", "1", 5); // the write-through lands before the lookup's answer
    assertThat(fence.allows("expenses", "1", 4)).as("the fence alone no longer refuses").isTrue();
    assertThat(floor).as("but the lookup still refuses what is older than the write").isEqualTo(5);
    now.addAndGet(TTL + 1);
    fence.written("expenses", "2", 3, TTL);
    now.addAndGet(TTL + 1);
    assertThat(fence.floor("expenses", "2")).as("expired fences set no floor").isZero();
  }

  @Test
  void theEraMovesOnEveryWriteAndEveryLiftedFenceSoNoRequestSharesAnOlderLookup() {
    long start = fence.era();
    fence.written("expenses", "1", 5, TTL);
    long afterWrite = fence.era();
    fence.confirmed("expenses", "1", 5);
    assertThat(afterWrite).isGreaterThan(start);
    assertThat(fence.era()).isGreaterThan(afterWrite);
  }

  @Test
  void theNewestWriteKeepsItsFence() {
    fence.written("expenses", "1", 7, TTL);
    fence.written("expenses", "1", 5, TTL); // acknowledged out of order
    fence.confirmed("expenses", "1", 5);
    assertThat(fence.allows("expenses", "1", 6)).isFalse();
    fence.confirmed("expenses", "1", 7);
    assertThat(fence.allows("expenses", "1", 6)).isTrue();
  }

  @Test
  void anUnconfirmedFenceLastsTheTtl() {
    fence.written("expenses", "1", 5, TTL);
    now.addAndGet(TTL - 1);
    assertThat(fence.allows("expenses", "1", 4)).isFalse();
    now.addAndGet(1);
    assertThat(fence.allows("expenses", "1", 4)).isTrue();
    assertThat(fence.size()).isZero();
  }

  @Test
  void expiredFencesAreSweptWithoutBeingRead() {
    for (int i = 0; i < 1000; i++) {
      fence.written("expenses", Integer.toString(i), 2, TTL);
    }
    assertThat(fence.size()).isEqualTo(1000);
    now.addAndGet(TTL);
    fence.written("expenses", "fresh", 2, TTL);
    assertThat(fence.size()).isEqualTo(1);
  }
}
