package io.shardgate.shardnode.replication;

import io.shardgate.cluster.membership.MemberInfo;
import io.shardgate.shardnode.store.LogSlice;
import io.shardgate.shardnode.store.OplogEntry;
import io.shardgate.shardnode.store.RecordState;
import io.shardgate.shardnode.store.SlotPosition;
import io.shardgate.shardnode.store.SlotSnapshot;
import io.vertx.core.Future;
import java.util.Map;

/**
 * What this shard node asks of its peers (the write path, slot sync and catch-up), apart from how it
 * travels: {@link PeerClient} over HTTP, a fake in unit tests. Every call fails on its deadline.
 */
public interface PeerCalls {
  /** Has the peer apply one entry; fails with {@link PeerClient.Refused} when it refuses the entry. */
  Future<Void> push(MemberInfo peer, OplogEntry entry);

  Future<LogSlice> readLog(MemberInfo peer, int slot, SlotPosition after, int limit);

  Future<RecordState> state(MemberInfo peer, int slot, String collection, String key);

  Future<SlotSnapshot> snapshot(MemberInfo peer, int slot);

  /** Tells a peer that this node is back: it must count it as live and finish its in-flight writes. */
  Future<Void> handoff(MemberInfo peer, long presentForMs);

  /** Renews the handoff's presence while this node finishes catching up. */
  Future<Void> present(MemberInfo peer, long presentForMs);

  /** Every slot position a peer holds. */
  Future<Map<Integer, SlotPosition>> positions(MemberInfo peer);
}
