package io.shardgate.cluster.config;

import io.vertx.core.json.JsonObject;
import java.util.List;

/** The immutable configuration records every role reads; parsed and validated by {@link ConfigLoader}. */
public final class Settings {
  private Settings() {}

  /** Cluster-wide, fixed when the cluster is created (slots) or shared by every process. */
  public record Cluster(String name, int slots, int replicationFactor, String placement, int ringVirtualNodes) {}

  public record Redis(String url, int poolSize, int maxWaiting) {}

  /** Liveness lease: each node renews every renewMs a key that expires after ttlMs. */
  public record Lease(long ttlMs, long renewMs) {}

  public record Membership(long resyncMs) {}

  /**
   * Shard-node replication: the deadline of a push to a replica, catch-up batch size, oplog entries
   * kept per slot, how often the oplog is trimmed, how long a leaving node keeps serving reads after
   * giving up its lease, and how many times a gateway retries a write refused as "not primary".
   */
  public record Replication(long pushTimeoutMs, int catchUpBatch, int oplogRetentionPerSlot, long trimIntervalMs,
      long drainMs, int notPrimaryRetries, long notPrimaryRetryDelayMs) {}

  public record MySql(String host, int port, String user, String password, String databasePrefix, int poolSize,
      int maxWaitQueue) {}

  /** A shard or cache node: id, address it listens on and announces, placement weight. */
  public record Node(String id, String host, int port, double weight) {}

  /** Limits on every backend call: a deadline, a bounded pool and a bounded wait queue. */
  public record Backend(long timeoutMs, long connectTimeoutMs, int poolSize, int maxWaitQueue, int retryAfterSeconds) {}

  public record Gateway(String host, int port, int instances, String adminToken, int maxBodyBytes, int maxHeaderBytes,
      long requestTimeoutMs, int idleTimeoutSeconds, Backend backend) {}

  /**
   * A collection served by the gateway's API: its URL path, the field that holds the key, how ids are
   * assigned when a client sends none, the JSON Schema of a record, the defaults added on create, and
   * how the gateway caches its reads.
   */
  public record Collection(String name, String path, String keyField, JsonObject schema, JsonObject defaults,
      CollectionCache cache) {}

  /**
   * The gateway's look-aside cache for one collection: whether reads go through the cache nodes, and
   * how long a filled record (or the tombstone a write leaves) lives there. The ttl bounds staleness
   * when an invalidation is lost.
   */
  public record CollectionCache(boolean enabled, long ttlMs) {
    public static final boolean DEFAULT_ENABLED = true;
    public static final long DEFAULT_TTL_MS = 60_000;
  }

  /** The whole configuration file. */
  /** Every cache node's store: its byte budget, the largest entry, the ttl of an update that names none. */
  public record CacheStore(long maxBytes, int maxEntryBytes, long defaultTtlMs) {}

  public record Shardgate(Cluster cluster, Redis redis, Lease lease, Membership membership, Replication replication,
      MySql mysql, Gateway gateway, CacheStore cacheStore, List<Node> shardNodes, List<Node> cacheNodes,
      List<Collection> collections) {

    public Node shardNode(String id) {
      return find(shardNodes, id, "shardNodes");
    }

    public Node cacheNode(String id) {
      return find(cacheNodes, id, "cacheNodes");
    }

    private static Node find(List<Node> nodes, String id, String where) {
      return nodes.stream().filter(n -> n.id().equals(id)).findFirst()
          .orElseThrow(() -> new ConfigException("config: no node with id '" + id + "' in " + where + " (known: "
              + nodes.stream().map(Node::id).toList() + ")"));
    }
  }
}
