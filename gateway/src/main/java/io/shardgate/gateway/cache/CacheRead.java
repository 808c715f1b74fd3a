package io.shardgate.gateway.cache;

import io.shardgate.gateway.backend.BackendResponse;

/**
 * The answer to a read and where it came from; the API sends {@code X-Cache: <status>}. A HIT carries
 * the cached bytes as a 200 with the record's ETag and the cache node in X-Served-By.
 */
public record CacheRead(BackendResponse response, Status status) {
  public enum Status {
    /** Answered by the cache node; no shard node was asked. */
    HIT,
    /** The cache node did not have it: read from the shard, then filled. */
    MISS,
    /**
     * Read from the shard without the cache: cache disabled, no live cache node, the cache node failed or
     * was slow, the record is being invalidated, or the client sent Cache-Control: no-cache.
     */
    BYPASS
  }
}
