package io.shardgate.gateway.cache;

import io.shardgate.cluster.membership.MemberInfo;
import io.shardgate.cluster.membership.MembershipView;
import io.shardgate.cluster.membership.Role;
import io.shardgate.cluster.placement.KeyHash;
import java.nio.charset.StandardCharsets;

/**
 * Which cache node holds a record: weighted rendezvous hashing over the live cache members, scored per
 * record rather than per slot, so a record's cache node is independent of its shard replicas and a cache
 * node that dies only hands its own records to the others. Pure: no Vert.x, no state.
 */
public final class CachePlacement {
  private CachePlacement() {}

  /** The live cache member that holds the record, or null when no cache member is live. */
  public static MemberInfo choose(MembershipView view, String collection, String key) {
    MemberInfo best = null;
    double bestScore = 0;
    for (MemberInfo m : view.members().values()) {
      if (m.role() != Role.CACHE || !view.isLive(m.id())) {
        continue;
      }
      double s = score(collection, key, m);
      // Ties (practically impossible) go to the smaller id, so every gateway picks the same node.
      if (best == null || s > bestScore || (s == bestScore && m.id().compareTo(best.id()) < 0)) {
        best = m;
        bestScore = s;
      }
    }
    return best;
  }

  /** Every live cache node: writes go to all of them (see CollectionCache#written). */
  public static java.util.List<MemberInfo> live(MembershipView view) {
    java.util.List<MemberInfo> out = new java.util.ArrayList<>();
    for (MemberInfo m : view.members().values()) {
      if (m.role() == Role.CACHE && view.isLive(m.id())) {
        out.add(m);
      }
    }
    return out;
  }

  /**
   * -w / ln(u) with u uniform in (0,1) from hash64(collection 0x00 key 0x00 nodeId): the best score
   * falls on each node in proportion to its weight, and with equal weights the highest hash wins.
   */
  static double score(String collection, String key, MemberInfo node) {
    long h = KeyHash.hash64((collection + '\u0000' + key + '\u0000' + node.id()).getBytes(StandardCharsets.UTF_8));
    double unit = ((h >>> 12) + 0.5) * 0x1.0p-52;
    return -node.weight() / StrictMath.log(unit);
  }
}
