package io.shardgate.shardnode.store;

/**
 * A slot's content fingerprint over its live records: their count and an order-independent combination
 * of (collection, key, version, document) hashes. Two replicas with the same records have equal checksums.
 */
public record SlotChecksum(int slot, long records, long hash) {}
