package io.shardgate.shardnode.store;

import java.util.List;

/** A consistent copy of one slot: every record state (tombstones included) as of {@code position}. */
public record SlotSnapshot(int slot, SlotPosition position, List<RecordState> records) {}
