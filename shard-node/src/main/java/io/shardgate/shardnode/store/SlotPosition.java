package io.shardgate.shardnode.store;

/**
 * A position in a slot's oplog: (epoch, seq), ordered lexicographically. {@link #ZERO} means nothing
 * applied yet. Each acting primary writes under an epoch no earlier holder used, seq counting from 1.
 */
public record SlotPosition(long epoch, long seq) implements Comparable<SlotPosition> {
  public static final SlotPosition ZERO = new SlotPosition(0, 0);

  @Override
  public int compareTo(SlotPosition o) {
    int c = Long.compare(epoch, o.epoch);
    return c != 0 ? c : Long.compare(seq, o.seq);
  }

  public boolean isAfter(SlotPosition o) {
    return compareTo(o) > 0;
  }

  @Override
  public String toString() {
    return epoch + ":" + seq;
  }
}
