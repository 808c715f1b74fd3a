package io.shardgate.shardnode.store;

/** What one {@link RecordStore#trim} pass did: how many slots' oplogs it examined and how many entries it removed. */
public record TrimPass(int slotsExamined, long removed) {}
