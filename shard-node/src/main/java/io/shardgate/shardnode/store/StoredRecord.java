package io.shardgate.shardnode.store;

import io.vertx.core.buffer.Buffer;

/**
 * A record as stored: its collection, key, slot, version (1 on create, +1 on each change) and the
 * JSON document as encoded bytes, forwarded as they are on the read path.
 */
public record StoredRecord(String collection, String key, int slot, long version, Buffer document) {}
