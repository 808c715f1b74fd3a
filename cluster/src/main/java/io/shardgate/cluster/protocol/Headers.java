package io.shardgate.cluster.protocol;

/** Header names of the public and internal HTTP surfaces. HTTP header names are case-insensitive. */
public final class Headers {
  private Headers() {}

  /** The node (shard or cache) whose data answered; on every record response. */
  public static final String SERVED_BY = "X-Served-By";
  /** The record's version as a bare decimal, on shard-node and cache-node answers. */
  public static final String RECORD_VERSION = "X-Record-Version";
  /** A shard node's proof of the version it answered, forwarded with cache fills (cluster.security.RecordProof). */
  public static final String RECORD_PROOF = "X-Shardgate-Record-Proof";
  /** Why a node refused a request it did not apply (a {@link Refusal} code). */
  public static final String REFUSAL = "X-Shardgate-Refusal";
  /** The shard node that sent a replication call (node → node). */
  public static final String SOURCE_NODE = "X-Source-Node";
  /** Correlates a client request with the internal calls it caused; echoed to the client. */
  public static final String REQUEST_ID = "X-Request-Id";
  /** How the gateway answered a read: HIT, MISS or BYPASS. */
  public static final String CACHE = "X-Cache";

  public static final String ETAG = "ETag";
  public static final String IF_MATCH = "If-Match";
  public static final String IF_NONE_MATCH = "If-None-Match";
  public static final String RETRY_AFTER = "Retry-After";
  public static final String CONTENT_TYPE = "Content-Type";
  public static final String LOCATION = "Location";
  public static final String CACHE_CONTROL = "Cache-Control";
  public static final String PRAGMA = "Pragma";

  public static final String JSON = "application/json";
}
