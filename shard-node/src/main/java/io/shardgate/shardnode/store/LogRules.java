package io.shardgate.shardnode.store;

import java.util.List;

/**
 * The oplog rules both stores apply: the position a primary write takes, whether an applied entry
 * fits, where a log read starts, and the checks on replication arguments.
 */
final class LogRules {

  private LogRules() {}

  /**
   * The position of a primary write under {@code epoch} on a slot at {@code current}.
   *
   * @throws StoreException.StaleEpoch when a later epoch already wrote or was applied here
   */
  static SlotPosition next(int slot, SlotPosition current, long epoch) {
    if (epoch < current.epoch()) {
      throw new StoreException.StaleEpoch(slot, epoch, current.epoch());
    }
    return new SlotPosition(epoch, epoch == current.epoch() ? current.seq() + 1 : 1);
  }

  /**
   * Whether an entry must be applied on a slot at {@code current}; false for a duplicate.
   *
   * @throws StoreException.StaleEpoch when the entry's epoch is below the slot's
   * @throws StoreException.Gap when the entry does not follow {@code current}
   */
  static boolean mustApply(OplogEntry entry, SlotPosition current) {
    if (entry.position().epoch() < current.epoch()) {
      throw new StoreException.StaleEpoch(entry.slot(), entry.position().epoch(), current.epoch());
    }
    if (!entry.position().isAfter(current)) {
      return false;
    }
    if (!entry.previous().equals(current)) {
      throw new StoreException.Gap(entry.slot(), current, entry.previous());
    }
    return true;
  }

  /** Whether a reader at {@code after} needs entries the log no longer holds. */
  static boolean isTrimmed(SlotPosition after, SlotPosition trimmedUpTo) {
    return after.compareTo(trimmedUpTo) < 0;
  }

  /**
   * The last position a reader at {@code after} shares with this log, for a reader that is not
   * trimmed: the greatest logged position at or before {@code after} ({@code floor}, null when none),
   * but never below the trim boundary, which every reader at or past it has seen. This is
   * {@code after} itself when the log holds it, equals the boundary or is ZERO.
   */
  static SlotPosition common(SlotPosition floor, SlotPosition trimmedUpTo) {
    return floor == null || trimmedUpTo.isAfter(floor) ? trimmedUpTo : floor;
  }

  /** The answer to a reader that must copy the whole slot: no entries, common ZERO. */
  static LogSlice trimmed(SlotPosition end) {
    return new LogSlice(true, SlotPosition.ZERO, List.of(), end);
  }

  static void requireValidEpoch(long epoch) {
    if (epoch < 1) {
      throw new IllegalArgumentException("epoch must be at least 1, was " + epoch);
    }
  }

  static void requireValidPosition(String what, SlotPosition position) {
    StoreRules.requirePresent(what, position);
    if (position.epoch() < 0 || position.seq() < 0) {
      throw new IllegalArgumentException(what + " must not be negative, was " + position);
    }
  }

  static void requireValidLimit(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, was " + limit);
    }
  }

  static void requireValid(OplogEntry entry) {
    StoreRules.requirePresent("entry", entry);
    RecordStore.requireValidId(entry.collection(), entry.key());
    StoreRules.requireValidSlot(entry.slot());
    requireValidPosition("entry position", entry.position());
    requireValidPosition("entry previous", entry.previous());
    if (entry.position().epoch() < 1 || entry.position().seq() < 1) {
      throw new IllegalArgumentException("entry position must have epoch and seq of at least 1, was " + entry.position());
    }
    if (!entry.position().isAfter(entry.previous())) {
      throw new IllegalArgumentException(
          "entry position " + entry.position() + " must be after its previous " + entry.previous());
    }
    requireValidRow(entry.version(), entry.deleted(), entry.document(), "entry");
  }

  /** A state as repair and install take it: of {@code slot}, absent or a row. */
  static void requireValid(int slot, RecordState state) {
    StoreRules.requirePresent("state", state);
    RecordStore.requireValidId(state.collection(), state.key());
    if (state.slot() != slot) {
      throw new IllegalArgumentException(
          "state of " + state.collection() + "/" + state.key() + " is of slot " + state.slot() + ", not " + slot);
    }
    if (state.exists()) {
      requireValidRow(state.version(), state.deleted(), state.document(), "state");
    } else if (state.version() < 0) {
      throw new IllegalArgumentException("state version must not be negative, was " + state.version());
    }
  }

  static void requireValid(SlotSnapshot snapshot) {
    StoreRules.requirePresent("snapshot", snapshot);
    StoreRules.requireValidSlot(snapshot.slot());
    requireValidPosition("snapshot position", snapshot.position());
    StoreRules.requirePresent("snapshot records", snapshot.records());
    snapshot.records().forEach(state -> requireValid(snapshot.slot(), state));
  }

  private static void requireValidRow(long version, boolean deleted, Object document, String what) {
    if (version < 1) {
      throw new IllegalArgumentException(what + " version must be at least 1, was " + version);
    }
    if (!deleted && document == null) {
      throw new IllegalArgumentException(what + " of a live record must carry a document");
    }
  }
}
