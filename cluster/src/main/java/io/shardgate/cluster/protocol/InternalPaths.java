package io.shardgate.cluster.protocol;

/**
 * Every internal path: the route patterns nodes mount (Vert.x {@code :param} syntax) and the builders
 * callers use, side by side so that the two cannot drift. Collection names and keys obey
 * {@link Names}, which keeps them URL-safe; builders assume they were checked.
 */
public final class InternalPaths {
  private InternalPaths() {}

  /** Path parameters of the route patterns below. */
  public static final String COLLECTION = "collection";
  public static final String KEY = "key";
  public static final String SLOT = "slot";

  // ---- shard node: records (gateway → node) -------------------------------------------------------
  public static final String RECORD_ROUTE = "/records/:" + COLLECTION + "/:" + KEY;

  public static String record(String collection, String key) {
    return "/records/" + collection + "/" + key;
  }

  // ---- shard node: replication (node → node) ------------------------------------------------------
  public static final String REPLICATION_ALL = "/replication/*";
  public static final String APPLY = "/replication/apply";
  public static final String HANDOFF = "/replication/handoff";
  public static final String PRESENT = "/replication/present";
  public static final String POSITIONS = "/replication/positions";
  public static final String LOG_ROUTE = "/replication/log/:" + SLOT;
  public static final String STATE_ROUTE = "/replication/state/:" + SLOT;
  public static final String SNAPSHOT_ROUTE = "/replication/snapshot/:" + SLOT;

  /** Query parameters of the log read: entries after (afterEpoch, afterSeq), at most limit of them. */
  public static final String AFTER_EPOCH = "afterEpoch";
  public static final String AFTER_SEQ = "afterSeq";
  public static final String LIMIT = "limit";

  public static String log(int slot, long afterEpoch, long afterSeq, int limit) {
    return "/replication/log/" + slot + "?" + AFTER_EPOCH + "=" + afterEpoch + "&" + AFTER_SEQ + "=" + afterSeq
        + "&" + LIMIT + "=" + limit;
  }

  public static String state(int slot, String collection, String key) {
    return "/replication/state/" + slot + "?" + COLLECTION + "=" + collection + "&" + KEY + "=" + key;
  }

  public static String snapshot(int slot) {
    return "/replication/snapshot/" + slot;
  }

  // ---- shard node: operator views ----------------------------------------------------------------
  public static final String NODE_STATUS = "/admin/status";
  public static final String NODE_CHECKSUMS = "/admin/checksums";

  // ---- cache node (gateway → cache node) ---------------------------------------------------------
  public static final String CACHE_STATS = "/cache/stats";
  public static final String CACHE_ENTRY_ROUTE = "/cache/:" + COLLECTION + "/:" + KEY;
  /** Query parameters of a fill (PUT) and an invalidation (DELETE): the record version and the entry's ttl. */
  public static final String VERSION = "version";
  public static final String TTL_MS = "ttlMs";

  public static String cacheEntry(String collection, String key) {
    return "/cache/" + collection + "/" + key;
  }

  public static String cacheUpdate(String collection, String key, long version, long ttlMs) {
    return cacheEntry(collection, key) + "?" + VERSION + "=" + version + "&" + TTL_MS + "=" + ttlMs;
  }
}
