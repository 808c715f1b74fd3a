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
}
