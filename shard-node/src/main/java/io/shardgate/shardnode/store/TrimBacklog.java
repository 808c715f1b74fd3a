package io.shardgate.shardnode.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which slots a trim pass must examine, so that trimming an idle store reads nothing. The first pass
 * examines every slot (the oplog may hold entries from before a restart), and so does a pass that
 * keeps fewer entries than the one before; any other pass examines only the slots marked since.
 * Thread-safe.
 */
final class TrimBacklog {
  private static final int NO_PASS = -1;

  private final Set<Integer> marked = ConcurrentHashMap.newKeySet();
  /** The keep of the last pass: no unmarked slot holds more entries than this. NO_PASS before the first. */
  private volatile int kept = NO_PASS;

  /** The slot's oplog may have grown. */
  void mark(int slot) {
    marked.add(slot);
  }

  /** Whether a pass keeping {@code keep} entries per slot must examine every slot, not only the marked ones. */
  boolean needsEverySlot(int keep) {
    int last = kept;
    return last == NO_PASS || keep < last;
  }

  /** Removes and returns the marked slots in ascending order; a pass then examines them or gives them back. */
  List<Integer> take() {
    List<Integer> taken = new ArrayList<>();
    for (Integer slot : marked) {
      if (marked.remove(slot)) {
        taken.add(slot);
      }
    }
    taken.sort(null);
    return taken;
  }

  /** A pass that could not start gives its slots back. */
  void giveBack(List<Integer> slots) {
    marked.addAll(slots);
  }

  /** A pass ended: the slots it examined keep at most {@code keep} entries; those it did not finish stay marked. */
  void finish(int keep, List<Integer> unfinished) {
    marked.addAll(unfinished);
    kept = keep;
  }
}
