package io.shardgate.cluster.membership;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The Redis key layout of one cluster, in one place so that the registry, the id allocator, tools and
 * tests agree. Every key starts with {@code shardgate:<cluster>:} so several clusters can share a
 * Redis and one cluster's keys can be listed or deleted by prefix.
 */
public final class RedisKeys {
  // No ':' (keeps the prefix unambiguous) and no spaces (the name also appears in CLIENT SETNAME).
  private static final Pattern CLUSTER_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

  private final String clusterName;
  private final String prefix;

  public RedisKeys(String clusterName) {
    Objects.requireNonNull(clusterName, "clusterName");
    if (!CLUSTER_NAME.matcher(clusterName).matches()) {
      throw new IllegalArgumentException("cluster name '" + clusterName
          + "' must be 1-64 characters of letters, digits, '_', '.' or '-'");
    }
    this.clusterName = clusterName;
    this.prefix = "shardgate:" + clusterName + ":";
  }

  public String clusterName() {
    return clusterName;
  }

  /** Prefix of every key of this cluster. */
  public String prefix() {
    return prefix;
  }

  /** Hash: member id → {@link MemberInfo#toJson()} encoded. */
  public String members() {
    return prefix + "members";
  }

  /** String with a PX ttl: present while the member's lease is held. */
  public String lease(String memberId) {
    return prefix + "lease:" + memberId;
  }

  /** Pub/sub channel on which changes are announced. */
  public String events() {
    return prefix + "events";
  }

  /** Counter (INCR) from which ids of a collection are allocated. */
  public String ids(String collection) {
    return prefix + "ids:" + collection;
  }
}
