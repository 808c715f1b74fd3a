package io.shardgate.gateway.records;

import io.shardgate.gateway.cache.CacheRead;
import io.vertx.core.buffer.Buffer;
import java.util.Locale;

/**
 * Every outcome of a {@link RecordService} call, for a front end to map onto its own protocol. Record
 * bytes are the shard or cache node's, untouched. {@code servedBy} names the node whose answer this is
 * (a shard node, or a cache node for a hit), or is null when no node answered.
 */
public sealed interface RecordResult {

  /** The record, at this version. {@code cache} says whether a cache node answered. */
  record Found(Buffer record, long version, String servedBy, CacheRead.Status cache) implements RecordResult {}

  /** No such record (or it was deleted). {@code cache} is set for reads, null for writes. */
  record NotFound(String servedBy, CacheRead.Status cache) implements RecordResult {}

  /**
   * A write was acknowledged: the record's key (for a create, perhaps allocated), the record as it now
   * is ({@code null} after a delete) and its new version.
   */
  record Written(Change change, String key, Buffer record, long version, String servedBy) implements RecordResult {}

  /**
   * A create found the key taken. {@code allocated}: the service chose the keys, and every one it tried
   * was taken (the caller should send a key of its own).
   */
  record Conflict(String detail, String servedBy, boolean allocated) implements RecordResult {}

  /** The If-Match precondition did not hold; the record is at {@code currentVersion} (null if unknown). */
  record PreconditionFailed(Long currentVersion, String detail, String servedBy) implements RecordResult {}

  /** The shard node found the request itself bad (its own checks; the gateway's should have caught it). */
  record Invalid(String detail, String servedBy) implements RecordResult {}

  /**
   * No usable answer: why, in words, and whether a write may have been applied anyway (its outcome is
   * unknown: a timeout, an unacknowledged write). {@code cache} is set when a read's shard answer was a failure.
   */
  record Unavailable(Reason reason, String detail, boolean mayHaveBeenApplied, String servedBy, CacheRead.Status cache)
      implements RecordResult {}

  /** A shard node answered with a status the service does not know (a bug or a newer node): passed on. */
  record NodeFailed(int status, String detail, String servedBy, CacheRead.Status cache) implements RecordResult {}

  /** What an acknowledged write did. */
  enum Change { CREATED, PATCHED, REPLACED, DELETED }

  /** Why the service could not answer; a closed set, each with its counter. */
  enum Reason {
    /** Reads: no replica of the slot is live. */
    NO_LIVE_REPLICA,
    /** Writes: every replica refused as not (yet) the acting primary, for every round. Nothing was applied. */
    NO_PRIMARY,
    /** No shard node has joined yet. */
    NO_MEMBERS,
    /** No key could be allocated for a create. */
    IDS,
    TIMEOUT,
    CONNECT,
    OVERLOAD,
    CLOSED,
    /** The last replica asked answered that it is not serving (no lease, catching up, leaving). */
    NOT_SERVING,
    /** The acting primary applied the write but a replica did not confirm it: the outcome is unknown. */
    UNACKNOWLEDGED,
    /** A shard node answered 503 without a refusal code (e.g. its storage is down). */
    NODE_UNAVAILABLE;

    private final String tag = name().toLowerCase(Locale.ROOT);

    public String tag() {
      return tag;
    }
  }
}
