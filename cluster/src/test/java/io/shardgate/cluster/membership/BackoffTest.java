package io.shardgate.cluster.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BackoffTest {

  @Test
  void doublesFromTheInitialDelayUpToTheCap() {
    Backoff backoff = Backoff.exponential(100, 5_000);

    long[] delays = IntStream.rangeClosed(1, 9).mapToLong(backoff::delayMillis).toArray();

    assertThat(delays).containsExactly(100, 200, 400, 800, 1_600, 3_200, 5_000, 5_000, 5_000);
  }

  @Test
  void staysAtTheCapForAnyNumberOfAttempts() {
    assertThat(Backoff.exponential(100, 5_000).delayMillis(Integer.MAX_VALUE)).isEqualTo(5_000);
  }

  @Test
  void rejectsDelaysThatCannotWork() {
    assertThatThrownBy(() -> Backoff.exponential(0, 5_000)).hasMessageContaining("initial delay must be positive");
    assertThatThrownBy(() -> Backoff.exponential(200, 100)).hasMessageContaining("must not be below");
    assertThatThrownBy(() -> Backoff.exponential(100, 200).delayMillis(0)).hasMessageContaining("start at 1");
  }
}
