package io.shardgate.cluster.placement;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The documented, stable hash that assigns a record to a slot:
 * {@code slot = unsignedMod(fmix64(fnv1a64(utf8(collection) || 0x00 || utf8(key))), slots)}.
 * Golden vectors in the tests pin it; changing it remaps every stored record.
 *
 * <p>fnv1a64 is standard 64-bit FNV-1a (offset basis 0xcbf29ce484222325, prime 0x100000001b3).
 * FNV-1a alone mixes its last bytes poorly into the high bits, and keys such as {@code 41}, {@code 42}
 * differ only at the end, so the MurmurHash3 64-bit finalizer (fmix64) spreads every input bit over
 * the whole word before the modulo. The 0x00 separator keeps ("ab", "c") and ("a", "bc") apart.
 */
public final class KeyHash {
  private static final long FNV_OFFSET_BASIS = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;

  private KeyHash() {}

  /** The record's slot in [0, slots). */
  public static int slot(String collection, String key, int slots) {
    if (slots <= 0) {
      throw new IllegalArgumentException("slots must be positive, got " + slots);
    }
    return (int) Long.remainderUnsigned(hash(collection, key), slots);
  }

  /** The record's 64-bit hash, before the modulo: hash64(utf8(collection) || 0x00 || utf8(key)). */
  public static long hash(String collection, String key) {
    Objects.requireNonNull(collection, "collection must not be null");
    Objects.requireNonNull(key, "key must not be null");
    long h = fnv1a64(FNV_OFFSET_BASIS, collection.getBytes(StandardCharsets.UTF_8));
    h = fnv1a64(h, new byte[] {0});
    return fmix64(fnv1a64(h, key.getBytes(StandardCharsets.UTF_8)));
  }

  /** fmix64(fnv1a64(bytes)): the hash every placement decision is built on. */
  public static long hash64(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes must not be null");
    return fmix64(fnv1a64(FNV_OFFSET_BASIS, bytes));
  }

  /** {@link #hash64(byte[])} of the string's UTF-8 encoding. */
  public static long hash64(String text) {
    Objects.requireNonNull(text, "text must not be null");
    return hash64(text.getBytes(StandardCharsets.UTF_8));
  }

  private static long fnv1a64(long state, byte[] bytes) {
    long h = state;
    for (byte b : bytes) {
      h ^= b & 0xff;
      h *= FNV_PRIME;
    }
    return h;
  }

  private static long fmix64(long k) {
    k ^= k >>> 33;
    k *= 0xff51afd7ed558ccdL;
    k ^= k >>> 33;
    k *= 0xc4ceb9fe1a85ec53L;
    k ^= k >>> 33;
    return k;
  }
}
