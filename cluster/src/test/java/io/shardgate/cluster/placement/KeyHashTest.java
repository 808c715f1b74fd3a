package io.shardgate.cluster.placement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Golden vectors for the record → slot hash. The expected values were computed once and checked
 * against an independent Python implementation of FNV-1a 64 + fmix64; if one of these fails, the
 * change remaps stored data and must not ship.
 */
class KeyHashTest {

  @ParameterizedTest(name = "{0}/{1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "expenses | 42     | ee0d2226e06e21e1 | 481 | 8673",
        "expenses | 41     | affa54acdb9a56c1 | 705 | 5825",
        "expenses | ''     | 14db0e33d61738b1 | 177 | 14513",
        "users    | alice  | c81622dcfc0853b3 | 947 | 5043",
        "users    | ålice  | 80de04efbf70e2ea | 746 | 8938",
        "notes    | 日本語  | 03dc3b8962a646e8 | 744 | 1768",
        "emoji    | 🙂     | bd39a18009c2d9d0 | 464 | 6608",
        "''       | k      | 90af91c81139dc6a | 106 | 7274",
      })
  void slotGoldenVectors(String collection, String key, String hashHex, int slotOf1024, int slotOf16384) {
    assertThat(Long.toHexString(KeyHash.hash(collection, key))).isEqualTo(hashHex.replaceFirst("^0+", ""));
    assertThat(KeyHash.slot(collection, key, 1024)).isEqualTo(slotOf1024);
    assertThat(KeyHash.slot(collection, key, 16384)).isEqualTo(slotOf16384);
  }

  @Test
  void hash64GoldenVectors() {
    // fnv1a64 of "" is the offset basis and of "a" is 0xaf63dc4c8601ec8c (the published FNV test
    // vectors); these are those values after fmix64.
    assertThat(KeyHash.hash64(new byte[0])).isEqualTo(0xefd01f60ba992926L);
    assertThat(KeyHash.hash64(bytes("a"))).isEqualTo(0x82a2a958a9bece5bL);
    assertThat(KeyHash.hash64(bytes("foobar"))).isEqualTo(0x2c22194922d1672bL);
    assertThat(KeyHash.hash64(bytes("slot:0"))).isEqualTo(0xb7c8c359c9aeced5L);
    assertThat(KeyHash.hash64("slot:0")).isEqualTo(0xb7c8c359c9aeced5L);
  }

  @Test
  void separatorKeepsCollectionAndKeyApart() {
    assertThat(KeyHash.hash("ab", "c")).isEqualTo(0xc87d91e7dc16f99dL);
    assertThat(KeyHash.hash("a", "bc")).isEqualTo(0xdf52f2b01fb62dc7L);
    assertThat(KeyHash.hash("ab", "c")).isEqualTo(KeyHash.hash64(bytes("ab\0c")));
  }

  @Test
  void slotIsUnsignedModulo() {
    // 0xee0d2226e06e21e1 is negative as a signed long; a signed % would give a negative slot.
    assertThat(KeyHash.hash("expenses", "42")).isNegative();
    assertThat(KeyHash.slot("expenses", "42", 1000))
        .isEqualTo((int) Long.remainderUnsigned(0xee0d2226e06e21e1L, 1000))
        .isBetween(0, 999);
  }

  @Test
  void rejectsBadArguments() {
    assertThatThrownBy(() -> KeyHash.slot("c", "k", 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("slots must be positive, got 0");
    assertThatThrownBy(() -> KeyHash.slot("c", "k", -4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("got -4");
    assertThatThrownBy(() -> KeyHash.slot(null, "k", 8)).isInstanceOf(NullPointerException.class).hasMessageContaining("collection");
    assertThatThrownBy(() -> KeyHash.slot("c", null, 8)).isInstanceOf(NullPointerException.class).hasMessageContaining("key");
    assertThatThrownBy(() -> KeyHash.hash64((byte[]) null)).isInstanceOf(NullPointerException.class);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
