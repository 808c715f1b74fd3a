package io.shardgate.cluster.placement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HashRingTest {

  /**
   * The classic client-side sharding ring: MD5 of the string as an unsigned 128-bit integer, one
   * point per node, owner = first point strictly greater than the key (wrapping). The expected owners
   * were verified independently with Python's hashlib over the full 128-bit value.
   */
  @Test
  void reproducesClassicMd5ExpenseRing() {
    HashRing<BigInteger> ring = HashRing.builder(HashRingTest::md5, Comparator.<BigInteger>naturalOrder())
        .node("1")
        .node("2")
        .node("3")
        .build();

    List<String> owners = new ArrayList<>();
    for (int id = 1; id <= 10; id++) {
      owners.add(ring.owner(Integer.toString(id)));
    }

    assertThat(owners).containsExactly("2", "3", "1", "1", "3", "1", "1", "3", "1", "3");
  }

  @Test
  void keyExactlyOnAPointBelongsToTheNextPoint() {
    HashRing<Long> ring = HashRing.<Long>builder(Long::parseLong, Long::compare).points("a", List.of("10")).points("b", List.of("20")).build();

    assertThat(ring.owner("10")).isEqualTo("b");
    assertThat(ring.owner("19")).isEqualTo("b");
    assertThat(ring.owner("20")).isEqualTo("a"); // wraps
    assertThat(ring.owner("5")).isEqualTo("a");
    assertThat(ring.owner("25")).isEqualTo("a");
  }

  @Test
  void successorsAreDistinctNodesInClockwiseOrder() {
    Map<String, Long> at = Map.of("a1", 10L, "a2", 20L, "b1", 30L, "a3", 40L, "c1", 50L);
    HashRing<Long> ring = HashRing.<Long>builder(at::get, Long::compare)
        .points("a", List.of("a1", "a2", "a3"))
        .points("b", List.of("b1"))
        .points("c", List.of("c1"))
        .build();

    assertThat(ring.successorsAt(5L, 2)).containsExactly("a", "b");
    assertThat(ring.successorsAt(10L, 3)).containsExactly("a", "b", "c");
    assertThat(ring.successorsAt(45L, 3)).containsExactly("c", "a", "b");
    assertThat(ring.successorsAt(45L, 9)).containsExactly("c", "a", "b");
    assertThat(ring.points()).isEqualTo(5);
    assertThat(ring.nodes()).isEqualTo(3);
  }

  @Test
  void equalPositionsAreOrderedByNodeIdWhateverTheInsertionOrder() {
    HashRing<Long> zFirst = HashRing.<Long>builder(s -> 7L, Long::compare).node("z").node("m").build();
    HashRing<Long> mFirst = HashRing.<Long>builder(s -> 7L, Long::compare).node("m").node("z").build();

    assertThat(zFirst.successorsAt(0L, 2)).containsExactly("m", "z");
    assertThat(mFirst.successorsAt(0L, 2)).containsExactly("m", "z");
  }

  @Test
  void unsignedOrderPutsNegativeLongsAfterPositiveOnes() {
    HashRing<Long> ring = HashRing.<Long>builder(Long::parseLong, Long::compareUnsigned)
        .points("high", List.of("-1"))
        .points("low", List.of("1"))
        .build();

    assertThat(ring.ownerAt(2L)).isEqualTo("high");
    assertThat(ring.ownerAt(-1L)).isEqualTo("low");
  }

  @Test
  void nodeWithCountPlacesLabelledPoints() {
    List<String> labels = new ArrayList<>();
    HashRing.<Long>builder(label -> {
          labels.add(label);
          return KeyHash.hash64(label);
        }, Long::compareUnsigned)
        .node("n1", 3)
        .build();

    assertThat(labels).containsExactly("n1#0", "n1#1", "n1#2");
  }

  @Test
  void emptyRingHasNoOwner() {
    HashRing<Long> ring = HashRing.<Long>builder(KeyHash::hash64, Long::compareUnsigned).build();

    assertThat(ring.owner("x")).isNull();
    assertThat(ring.successors("x", 2)).isEmpty();
  }

  @Test
  void rejectsDuplicateNodesAndBadCounts() {
    HashRing.Builder<Long> builder = HashRing.<Long>builder(KeyHash::hash64, Long::compareUnsigned).node("n1");

    assertThatThrownBy(() -> builder.node("n1", 4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("duplicate node id 'n1'");
    assertThatThrownBy(() -> builder.node("n2", 0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("n2");
    assertThatThrownBy(() -> builder.build().successors("k", 0)).isInstanceOf(IllegalArgumentException.class);
  }

  private static BigInteger md5(String text) {
    try {
      byte[] digest = MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8));
      return new BigInteger(1, digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
