package io.shardgate.shardnode.store;

/**
 * The outcome of a write taken as acting primary: the record as the client sees it (for a delete, the
 * tombstone's version with the last document) and the oplog entry to replicate.
 */
public record Change(StoredRecord record, OplogEntry entry) {}
