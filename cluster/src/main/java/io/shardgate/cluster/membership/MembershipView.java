package io.shardgate.cluster.membership;

import java.util.Map;
import java.util.Set;

/**
 * One consistent snapshot of the registry: every member (live or not) and the ids whose lease is
 * currently held. Immutable; safe to share between event loops.
 */
public record MembershipView(Map<String, MemberInfo> members, Set<String> live) {
  public static final MembershipView EMPTY = new MembershipView(Map.of(), Set.of());

  public MembershipView {
    members = Map.copyOf(members);
    live = Set.copyOf(live);
  }

  public boolean isLive(String id) {
    return live.contains(id);
  }
}
