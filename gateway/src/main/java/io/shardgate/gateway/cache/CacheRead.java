package io.shardgate.gateway.cache;

import io.shardgate.gateway.backend.BackendResponse;
import io.vertx.core.buffer.Buffer;

/**
 * The answer to a read and where it came from. A HIT carries the cached record ({@code hit}, and no
 * shard answer); a MISS or BYPASS carries the shard node's answer as it came ({@code response}).
 */
public record CacheRead(BackendResponse response, Status status, Hit hit) {
  /** A record a cache node answered with: its version, its bytes and the cache node's id. */
  public record Hit(long version, Buffer record, String node) {}

  static CacheRead fromShard(BackendResponse response, Status status) {
    return new CacheRead(response, status, null);
  }

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
