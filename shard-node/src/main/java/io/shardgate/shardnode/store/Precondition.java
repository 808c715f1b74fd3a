package io.shardgate.shardnode.store;

/** A condition a write checks atomically against the stored version (HTTP If-Match). */
public sealed interface Precondition {
  /** No condition. */
  Precondition NONE = new None();
  /** The record must exist (If-Match: *). */
  Precondition EXISTS = new Exists();

  static Precondition version(long v) {
    return new Version(v);
  }

  record None() implements Precondition {}

  record Exists() implements Precondition {}

  record Version(long expected) implements Precondition {}
}
