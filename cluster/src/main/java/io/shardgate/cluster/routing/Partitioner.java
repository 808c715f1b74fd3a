package io.shardgate.cluster.routing;

import io.shardgate.cluster.placement.KeyHash;

/**
 * Maps a collection's key to its partition, the unit of replication and placement (DESIGN §2). The hash
 * partitioner maps every collection onto the cluster's shared slots; a range partitioner (ordered key
 * ranges with partition ids of their own) plugs in here without touching callers of {@link Routing#route}.
 */
@FunctionalInterface
public interface Partitioner {
  int partitionOf(String collection, String key);

  /** {@code slot = hash(collection, key) mod slots}: the documented, stable key hash. */
  static Partitioner hash(int slots) {
    return (collection, key) -> KeyHash.slot(collection, key, slots);
  }
}
