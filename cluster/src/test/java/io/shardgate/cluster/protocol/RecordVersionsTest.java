package io.shardgate.cluster.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RecordVersionsTest {
  @Test
  void etagsRoundTrip() {
    assertThat(RecordVersions.etag(7)).isEqualTo("\"7\"");
    assertThat(RecordVersions.parseEtag(RecordVersions.etag(Long.MAX_VALUE))).isEqualTo(Long.MAX_VALUE);
    assertThat(RecordVersions.parseEtag(" W/\"3\" ")).isEqualTo(3L);
  }

  @Test
  void anythingButOneNonNegativeVersionIsNoVersion() {
    for (String bad : new String[] {"7", "\"\"", "\"-1\"", "\"1.0\"", "\"9223372036854775808\"", "\"1\",\"2\"", "*",
        "\"+1\"", "W/7"}) {
      assertThat(RecordVersions.parseEtag(bad)).as(bad).isNull();
    }
    assertThat(RecordVersions.parse("12")).isEqualTo(12L);
    assertThat(RecordVersions.parse(" 12 ")).isEqualTo(12L);
    for (String bad : new String[] {"", " ", "-1", "+1", "1e3", "99999999999999999999", "0x1"}) {
      assertThat(RecordVersions.parse(bad)).as(bad).isNull();
    }
    assertThat(RecordVersions.parse(null)).isNull();
    assertThat(RecordVersions.parseEtag(null)).isNull();
  }

  @Test
  void ifNoneMatchHitsOnTheWildcardOrAnyWeaklyEqualEtag() {
    assertThat(RecordVersions.noneMatchHits("*", "\"4\"")).isTrue();
    assertThat(RecordVersions.noneMatchHits("\"3\", W/\"4\"", "\"4\"")).isTrue();
    assertThat(RecordVersions.noneMatchHits("\"3\", \"5\"", "\"4\"")).isFalse();
    assertThat(RecordVersions.noneMatchHits("garbage", "\"4\"")).isFalse();
  }

  @Test
  void aNodeAnswersItsVersionInTheVersionHeaderElseInItsStrongEtag() {
    assertThat(RecordVersions.of(Map.of("X-Record-Version", "9", "ETag", "\"8\"")::get)).isEqualTo(9L);
    assertThat(RecordVersions.of(Map.of("ETag", "\"8\"")::get)).isEqualTo(8L);
    assertThat(RecordVersions.of(Map.of("ETag", "W/\"8\"")::get)).isNull();
    assertThat(RecordVersions.of(Map.<String, String>of()::get)).isNull();
  }

  @Test
  void theWildcardIsOnlyAStar() {
    assertThat(RecordVersions.isWildcard(" * ")).isTrue();
    assertThat(RecordVersions.isWildcard("\"*\"")).isFalse();
    assertThat(RecordVersions.isWildcard(null)).isFalse();
  }
}
