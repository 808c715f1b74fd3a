package io.shardgate.shardnode.store;

import io.shardgate.cluster.placement.KeyHash;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds {@link SlotChecksum}s from live records, in any order. Both stores feed it the same fields
 * and compute in Java, so equal contents give equal checksums whichever store holds them.
 *
 * <p>A record's hash is {@link KeyHash#hash64} (FNV-1a finished with the MurmurHash3 mixer) over the
 * UTF-8 bytes of collection, key and document, each preceded by its byte length as eight bytes (so no
 * separator can be confused with key content; keys may hold U+0000), with the version as eight bytes
 * before the document; the per-slot sum (wrapping, hence order-independent) of these is well spread.
 */
final class Checksums {

  private final Map<Integer, long[]> slots = new TreeMap<>();

  void add(int slot, String collection, String key, long version, String document) {
    long[] sums = slots.computeIfAbsent(slot, ignored -> new long[2]);
    sums[0]++;
    sums[1] += recordHash(collection, key, version, document);
  }

  /** Every slot added to so far, in slot order. */
  Map<Integer, SlotChecksum> result() {
    Map<Integer, SlotChecksum> result = new TreeMap<>();
    slots.forEach((slot, sums) -> result.put(slot, new SlotChecksum(slot, sums[0], sums[1])));
    return result;
  }

  static long recordHash(String collection, String key, long version, String document) {
    byte[] c = collection.getBytes(StandardCharsets.UTF_8);
    byte[] k = key.getBytes(StandardCharsets.UTF_8);
    byte[] d = document.getBytes(StandardCharsets.UTF_8);
    ByteBuffer fields = ByteBuffer.allocate(8 * 4 + c.length + k.length + d.length)
        .putLong(c.length).put(c).putLong(k.length).put(k).putLong(version).putLong(d.length).put(d);
    return KeyHash.hash64(fields.array());
  }
}
