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
