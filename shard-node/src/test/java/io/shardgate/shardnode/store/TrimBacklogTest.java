package io.shardgate.shardnode.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TrimBacklogTest {

  private final TrimBacklog backlog = new TrimBacklog();

  @Test
  void everySlotIsExaminedUntilAPassEndedAndAgainWhenFewerEntriesAreKept() {
    backlog.mark(4);
    assertThat(backlog.needsEverySlot(10)).isTrue();

    backlog.finish(10, List.of());

    assertThat(backlog.needsEverySlot(10)).isFalse();
    assertThat(backlog.needsEverySlot(20)).isFalse();
    assertThat(backlog.needsEverySlot(9)).isTrue();
  }

  @Test
  void takingEmptiesTheMarksAndSlotsAPassDidNotFinishAreMarkedAgain() {
    backlog.mark(7);
    backlog.mark(3);
    backlog.mark(7);
    backlog.mark(5);

    List<Integer> taken = backlog.take();
    assertThat(taken).containsExactly(3, 5, 7);
    assertThat(backlog.take()).isEmpty();

    backlog.finish(10, taken.subList(1, 3));
    assertThat(backlog.take()).containsExactly(5, 7);

    backlog.giveBack(List.of(2));
    assertThat(backlog.take()).containsExactly(2);
  }
}
