package io.shardgate.shardnode.store;

/** Expected outcomes of a write that are not success; each maps to one HTTP status. */
public abstract sealed class StoreException extends RuntimeException {
  protected StoreException(String message) {
    super(message, null, false, false);
  }

  /** create of a key that exists (409). */
  public static final class AlreadyExists extends StoreException {
    public AlreadyExists(String collection, String key) {
      super(collection + "/" + key + " already exists");
    }
  }

  /** update/replace/delete of a key that does not exist (404). */
  public static final class NotFound extends StoreException {
    public NotFound(String collection, String key) {
      super(collection + "/" + key + " does not exist");
    }
  }

  /** the precondition's version did not match the stored one (412). */
  public static final class VersionMismatch extends StoreException {
    private final long current;

    public VersionMismatch(String collection, String key, long current) {
      super(collection + "/" + key + " is at version " + current);
      this.current = current;
    }

    public long current() {
      return current;
    }
  }

  /**
   * A write or an applied entry carries an epoch older than one this slot has already accepted: it
   * comes from a primary that has been replaced (409 at the replication API, not primary for clients).
   */
  public static final class StaleEpoch extends StoreException {
    private final long current;

    public StaleEpoch(int slot, long offered, long current) {
      super("slot " + slot + " is at epoch " + current + "; epoch " + offered + " is stale");
      this.current = current;
    }

    public long current() {
      return current;
    }
  }

  /** An applied entry does not follow the replica's position: the replica missed entries and must catch up. */
  public static final class Gap extends StoreException {
    private final SlotPosition position;

    public Gap(int slot, SlotPosition position, SlotPosition expectedPrevious) {
      super("slot " + slot + " is at " + position + " but the entry follows " + expectedPrevious);
      this.position = position;
    }

    public SlotPosition position() {
      return position;
    }
  }
}
