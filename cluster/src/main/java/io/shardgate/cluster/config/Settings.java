package io.shardgate.cluster.config;

import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The immutable configuration records every role reads; parsed by {@link ConfigLoader}. Each record owns
 * its named defaults ({@code DEFAULTS}) and its bounds: constructing one out of range fails at start with
 * a message naming the setting, so a component never sees an unchecked tuning number.
 */
public final class Settings {
  private Settings() {}

  /** Cluster-wide, fixed when the cluster is created (slots) or shared by every process. */
  public record Cluster(String name, int slots, int replicationFactor, String placement, int ringVirtualNodes) {
    public static final Cluster DEFAULTS = new Cluster("shardgate", 1024, 2, "rendezvous", 160);

    public Cluster {
      Bounds.check("cluster.slots", slots, 1, 1 << 20);
      Bounds.check("cluster.replicationFactor", replicationFactor, 1, 16);
      Bounds.check("cluster.ringVirtualNodes", ringVirtualNodes, 1, 4096);
      Bounds.require(placement.equals("rendezvous") || placement.equals("ring"),
          "cluster.placement must be one of [rendezvous, ring], got '" + placement + "'");
    }
  }

  /**
   * Where Redis is and how to log in: an ACL user (null for the default user) and its password (null
   * for none; read from {@code redis.passwordFile} when given there); {@code caFile} is a PEM CA bundle
   * trusted for a {@code rediss://} URL instead of the JVM's default trust store.
   */
  public record Redis(String url, int poolSize, int maxWaiting, String user, String password, String caFile) {
    public static final Redis DEFAULTS = new Redis("redis://127.0.0.1:6379", 8, 256, null, null, null);

    public Redis {
      Bounds.check("redis.poolSize", poolSize, 1, 256);
      Bounds.check("redis.maxWaiting", maxWaiting, 1, 100_000);
      Bounds.require(url.startsWith("redis://") || url.startsWith("rediss://") || url.startsWith("unix://"),
          "redis.url must start with redis://, rediss:// or unix://, got '" + Secrets.redactUrl(url) + "'");
      Bounds.require(caFile == null || url.startsWith("rediss://"),
          "redis.tls.caFile is set but redis.url does not start with rediss:// (TLS)");
      Bounds.require(user == null || password != null, "redis.user is set without redis.password or redis.passwordFile");
      Bounds.require(password == null || !Secrets.hasUserInfo(url),
          "redis.url carries credentials and redis.password is set too: give the password in one place");
    }

    public boolean tls() {
      return url.startsWith("rediss://");
    }

    /** Keeps the password out of logs. */
    @Override
    public String toString() {
      return "Redis[url=" + Secrets.redactUrl(url) + ", poolSize=" + poolSize + ", maxWaiting=" + maxWaiting
          + ", user=" + user + ", password=" + (password == null ? "none" : "***") + ", caFile=" + caFile + "]";
    }
  }

  /** Liveness lease: each node renews every renewMs a key that expires after ttlMs. */
  public record Lease(long ttlMs, long renewMs) {
    public static final Lease DEFAULTS = new Lease(3000, 1000);

    public Lease {
      Bounds.check("lease.ttlMs", ttlMs, 100, 600_000);
      Bounds.check("lease.renewMs", renewMs, 20, 600_000);
      Bounds.require(renewMs * 2 <= ttlMs, "lease.renewMs (" + renewMs + ") must be at most half of lease.ttlMs ("
          + ttlMs + ") so that one lost renewal does not lapse the lease");
    }
  }

  public record Membership(long resyncMs) {
    public static final Membership DEFAULTS = new Membership(1000);

    public Membership {
      Bounds.check("membership.resyncMs", resyncMs, 50, 600_000);
    }
  }

  /**
   * Shard-node replication: the deadline of a push to a replica, catch-up batch size, oplog entries
   * kept per slot, how often the oplog is trimmed, how long a leaving node keeps serving reads after
   * giving up its lease, how many times a gateway retries a write refused as "not primary" and how long
   * it waits between rounds; the peer client's pool (connections, waiters), the deadline of a bulk
   * transfer (a log page, a slot snapshot, positions) and how many slots catch up at once.
   */
  public record Replication(long pushTimeoutMs, int catchUpBatch, int oplogRetentionPerSlot, long trimIntervalMs,
      long drainMs, int notPrimaryRetries, long notPrimaryRetryDelayMs, int peerPoolSize, int peerMaxWaitQueue,
      long bulkTimeoutMs, int catchUpParallelism) {
    public static final Replication DEFAULTS = new Replication(1000, 500, 10_000, 5000, 1000, 20, 100, 16, 1024,
        10_000, 8);

    public Replication {
      Bounds.check("replication.pushTimeoutMs", pushTimeoutMs, 10, 60_000);
      Bounds.check("replication.catchUpBatch", catchUpBatch, 1, 100_000);
      Bounds.check("replication.oplogRetentionPerSlot", oplogRetentionPerSlot, 1, 100_000_000);
      Bounds.check("replication.trimIntervalMs", trimIntervalMs, 100, 3_600_000);
      Bounds.check("replication.drainMs", drainMs, 0, 60_000);
      Bounds.check("replication.notPrimaryRetries", notPrimaryRetries, 0, 100);
      Bounds.check("replication.notPrimaryRetryDelayMs", notPrimaryRetryDelayMs, 1, 10_000);
      Bounds.check("replication.peerPoolSize", peerPoolSize, 1, 1024);
      Bounds.check("replication.peerMaxWaitQueue", peerMaxWaitQueue, 0, 1_000_000);
      Bounds.check("replication.bulkTimeoutMs", bulkTimeoutMs, 100, 600_000);
      Bounds.check("replication.catchUpParallelism", catchUpParallelism, 1, 256);
      Bounds.require(bulkTimeoutMs >= pushTimeoutMs, "replication.bulkTimeoutMs (" + bulkTimeoutMs
          + ") must be at least replication.pushTimeoutMs (" + pushTimeoutMs + ")");
    }
  }

  public record MySql(String host, int port, String user, String password, String databasePrefix, int poolSize,
      int maxWaitQueue, MySqlTls tls) {
    public static final MySql DEFAULTS = new MySql("127.0.0.1", 3306, "shardgate", "shardgate", "shardgate_", 8, 512,
        MySqlTls.DISABLED);

    public MySql {
      Bounds.check("mysql.port", port, 1, 65535);
      Bounds.check("mysql.poolSize", poolSize, 1, 256);
      Bounds.check("mysql.maxWaitQueue", maxWaitQueue, 1, 100_000);
    }

    /** Keeps the password out of logs. */
    @Override
    public String toString() {
      return "MySql[host=" + host + ", port=" + port + ", user=" + user + ", password=***, databasePrefix="
          + databasePrefix + ", poolSize=" + poolSize + ", maxWaitQueue=" + maxWaitQueue + ", tls=" + tls + "]";
    }
  }

  /**
   * TLS to MySQL/MariaDB, as the mysql client's --ssl-mode: {@code disabled}; {@code required} (encrypted,
   * the server's certificate not checked); {@code verify-ca} (signed by caFile); {@code verify-full}
   * (signed by caFile and naming mysql.host).
   */
  public record MySqlTls(String mode, String caFile) {
    public static final List<String> MODES = List.of("disabled", "required", "verify-ca", "verify-full");
    public static final MySqlTls DISABLED = new MySqlTls("disabled", null);

    public MySqlTls {
      Bounds.require(MODES.contains(mode), "mysql.tls.mode must be one of " + MODES + ", got '" + mode + "'");
      Bounds.require(caFile != null || !mode.startsWith("verify"),
          "mysql.tls.caFile is required when mysql.tls.mode is " + mode + ": it is the CA the server's certificate"
              + " must be signed by");
      Bounds.require(caFile == null || !mode.equals("disabled"),
          "mysql.tls.caFile is set but mysql.tls.mode is disabled: set the mode to verify-ca or verify-full");
    }
  }

  /**
   * What a shard node accepts: the largest body of a record request (a gateway's document plus the key
   * it adds) and of a pushed oplog entry (one record, escaped as a JSON string: at most twice its size,
   * plus the entry's fields). Handoffs and presence renewals are capped at 4 KiB; reads take no body.
   */
  public record ShardNode(int maxRecordBodyBytes, int maxReplicationBodyBytes) {
    public static final ShardNode DEFAULTS = new ShardNode(128 << 10, entryBytesFor(128 << 10));

    /** The smallest entry limit that fits a record of this size: twice it (escaping) plus 4 KiB. */
    public static int entryBytesFor(int maxRecordBodyBytes) {
      return (int) Math.min(Integer.MAX_VALUE, 2L * maxRecordBodyBytes + 4096);
    }

    public ShardNode {
      Bounds.check("shardNode.maxRecordBodyBytes", maxRecordBodyBytes, 1024, 64 << 20);
      Bounds.check("shardNode.maxReplicationBodyBytes", maxReplicationBodyBytes, 1024, 256 << 20);
      Bounds.require(maxReplicationBodyBytes >= entryBytesFor(maxRecordBodyBytes), "shardNode.maxReplicationBodyBytes ("
          + maxReplicationBodyBytes + ") must be at least twice shardNode.maxRecordBodyBytes plus 4096 ("
          + entryBytesFor(maxRecordBodyBytes) + "): an oplog entry carries a record escaped as a JSON string");
    }
  }

  /**
   * A shard or cache node: id, the address it announces (host, port: where the others reach it), the
   * host its listener binds (listenHost, by default the announced one, so a node listens only where it
   * must; 0.0.0.0 behind NAT or in a container), placement weight.
   */
  public record Node(String id, String host, int port, double weight, String listenHost) {
    public Node(String id, String host, int port, double weight) {
      this(id, host, port, weight, host);
    }

    public Node {
      Bounds.check("port of node " + id, port, 1, 65535);
      Bounds.require(weight > 0 && Double.isFinite(weight), "weight of node " + id + " must be a positive number, got "
          + weight);
    }
  }

  /** Limits on every backend call: a deadline, a bounded pool and a bounded wait queue. */
  public record Backend(long timeoutMs, long connectTimeoutMs, int poolSize, int maxWaitQueue, int retryAfterSeconds) {
    public static final Backend DEFAULTS = new Backend(2000, 500, 32, 256, 1);

    public Backend {
      Bounds.check("gateway.backend.timeoutMs", timeoutMs, 10, 600_000);
      Bounds.check("gateway.backend.connectTimeoutMs", connectTimeoutMs, 10, 60_000);
      Bounds.check("gateway.backend.poolSize", poolSize, 1, 4096);
      Bounds.check("gateway.backend.maxWaitQueue", maxWaitQueue, 0, 1_000_000);
      Bounds.check("gateway.backend.retryAfterSeconds", retryAfterSeconds, 1, 3600);
    }
  }

  /** The public listener and what it accepts; {@code listener} holds its connection limits, {@code tls} its TLS. */
  public record Gateway(String host, int port, int instances, String adminToken, int maxBodyBytes, int maxHeaderBytes,
      long requestTimeoutMs, Listener listener, Backend backend, ServerTls tls) {
    public static final Gateway DEFAULTS = new Gateway("0.0.0.0", 8080, 0, "dev-admin-token", 65536, 8192, 5000,
        Listener.GATEWAY_DEFAULTS, Backend.DEFAULTS, ServerTls.OFF);

    public Gateway {
      Bounds.check("gateway.port", port, 0, 65535);
      Bounds.check("gateway.instances", instances, 0, 256);
      Bounds.check("gateway.maxBodyBytes", maxBodyBytes, 256, 64 << 20);
      Bounds.check("gateway.maxHeaderBytes", maxHeaderBytes, 1024, 1 << 20);
      Bounds.check("gateway.requestTimeoutMs", requestTimeoutMs, 10, 600_000);
    }
  }

  /**
   * Connection limits of one HTTP listener: a connection idle this long is closed; a connection that has
   * not sent complete request headers within headerTimeoutMs of opening is closed (slowloris); beyond
   * maxConnections open at once, new connections are shed with a quick 503. {@code name} is where the
   * settings live in the file ({@code gateway}, {@code nodeListener}), named in messages.
   */
  public record Listener(String name, int idleTimeoutSeconds, long headerTimeoutMs, int maxConnections) {
    public static final Listener GATEWAY_DEFAULTS = new Listener("gateway", 60, 10_000, 10_000);
    /** Above the gateways' and peers' pool idle timeouts (60 s), so a pooled connection is not cut under a call. */
    public static final Listener NODE_DEFAULTS = new Listener("nodeListener", 120, 10_000, 10_000);

    public Listener {
      Bounds.check(name + ".idleTimeoutSeconds", idleTimeoutSeconds, 1, 3600);
      Bounds.check(name + ".headerTimeoutMs", headerTimeoutMs, 100, 600_000);
      Bounds.check(name + ".maxConnections", maxConnections, 1, 1_000_000);
    }
  }

  /** TLS of a listener: off, or on with a PEM certificate (chain, leaf first) and its PEM private key. */
  public record ServerTls(boolean enabled, String certFile, String keyFile) {
    public static final ServerTls OFF = new ServerTls(false, null, null);

    public ServerTls {
      Bounds.require(!enabled || certFile != null && keyFile != null,
          "tls.certFile and tls.keyFile are required when tls.enabled is true");
    }
  }

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
    public static final CollectionCache DEFAULTS = new CollectionCache(DEFAULT_ENABLED, DEFAULT_TTL_MS);

    public CollectionCache {
      Bounds.check("cache.ttlMs", ttlMs, 1000, 86_400_000);
    }
  }

  /** Every cache node's store: its byte budget, the largest entry, the ttl of an update that names none. */
  public record CacheStore(long maxBytes, int maxEntryBytes, long defaultTtlMs) {
    public static final CacheStore DEFAULTS = new CacheStore(64L << 20, 1 << 20, 60_000);

    public CacheStore {
      Bounds.check("cacheStore.maxBytes", maxBytes, 1L << 16, 1L << 40);
      Bounds.check("cacheStore.maxEntryBytes", maxEntryBytes, 1024, 64 << 20);
      Bounds.check("cacheStore.defaultTtlMs", defaultTtlMs, 1000, 86_400_000);
      Bounds.require(maxEntryBytes <= maxBytes, "cacheStore.maxEntryBytes must not exceed cacheStore.maxBytes");
    }
  }

  /**
   * How the processes of a cluster trust each other (docs/security.md). Cluster mode needs the cluster
   * CA's certificate and this process's certificate and key (PEM files; {@code {id}} in a path is the
   * process's id: a node's id, {@code gateway}, or {@code tools}), shard and cache nodes the key that
   * proves record versions to cache nodes (recordKeyFile), and an admin token other than the default.
   * {@code insecure} turns all of it off (plain internal HTTP, no proofs, any admin token) and is refused
   * unless asked for explicitly.
   */
  public record Security(boolean insecure, String caFile, String certFile, String keyFile, String recordKeyFile) {
    public static final String ID = "{id}";
    public static final Security DEFAULTS = new Security(false, null, null, null, null);

    public Security {
      Bounds.require(insecure || caFile == null || (certFile != null && keyFile != null),
          "security.certFile and security.keyFile are required with security.caFile");
    }

    /** Whether the three files are configured. */
    public boolean hasFiles() {
      return caFile != null && certFile != null && keyFile != null;
    }

    public String certFile(String id) {
      return certFile.replace(ID, id);
    }

    public String keyFile(String id) {
      return keyFile.replace(ID, id);
    }
  }

  /** The whole configuration file. */
  public record Shardgate(Cluster cluster, Redis redis, Lease lease, Membership membership, Replication replication,
      MySql mysql, ShardNode shardNode, Gateway gateway, CacheStore cacheStore, List<Node> shardNodes,
      List<Node> cacheNodes, List<Collection> collections, Security security, Listener nodeListener) {

    public Shardgate {
      // A gateway adds the key field and defaults to a body of up to gateway.maxBodyBytes.
      Bounds.require(shardNode.maxRecordBodyBytes() >= gateway.maxBodyBytes() + 1024, "shardNode.maxRecordBodyBytes ("
          + shardNode.maxRecordBodyBytes() + ") must exceed gateway.maxBodyBytes (" + gateway.maxBodyBytes()
          + ") by at least 1024: a gateway forwards the body with the key and defaults added");
    }

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
