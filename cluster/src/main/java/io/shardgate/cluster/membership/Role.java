package io.shardgate.cluster.membership;

import java.util.Locale;

/** What a member does; placement for records only considers SHARD members. */
public enum Role {
  SHARD,
  CACHE,
  GATEWAY;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Role fromWire(String s) {
    return Role.valueOf(s.toUpperCase(Locale.ROOT));
  }
}
