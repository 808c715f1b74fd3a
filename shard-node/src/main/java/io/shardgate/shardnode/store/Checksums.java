package io.shardgate.shardnode.store;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds {@link SlotChecksum}s from live records, in any order. Both stores feed it the same fields
 * and compute in Java, so equal contents give equal checksums whichever store holds them.
 *
 * <p>A record's hash is 64-bit FNV-1a over the UTF-8 bytes of collection, key and document, each
 * preceded by its byte length (so no separator can be confused with key content; keys may hold
 * U+0000), and the version as eight bytes, finished with the MurmurHash3 mixer so that the
 * per-slot sum (wrapping, hence order-independent) is well spread.
 */
final class Checksums {

  private static final long FNV_OFFSET = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;

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
    long h = FNV_OFFSET;
    h = text(h, collection);
    h = text(h, key);
    h = number(h, version);
    h = text(h, document);
    return mix(h);
  }

  private static long text(long h, String value) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    h = number(h, bytes.length);
    for (byte b : bytes) {
      h = (h ^ (b & 0xff)) * FNV_PRIME;
    }
    return h;
  }

  private static long number(long h, long value) {
    for (int shift = 56; shift >= 0; shift -= 8) {
      h = (h ^ ((value >>> shift) & 0xff)) * FNV_PRIME;
    }
    return h;
  }

  private static long mix(long h) {
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }
}
