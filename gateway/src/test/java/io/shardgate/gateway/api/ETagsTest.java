package io.shardgate.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ETagsTest {
  @Test
  void parsesExactlyOneVersionTag() {
    assertThat(ETags.parseSingle("\"7\"")).isEqualTo(7L);
    assertThat(ETags.parseSingle(" W/\"12\" ")).isEqualTo(12L);
    assertThat(ETags.parseSingle("7")).isNull();
    assertThat(ETags.parseSingle("\"a\"")).isNull();
    assertThat(ETags.parseSingle("\"1\", \"2\"")).isNull();
    assertThat(ETags.parseSingle("\"-1\"")).isNull();
    assertThat(ETags.parseSingle("\"99999999999999999999999\"")).isNull();
  }

  @Test
  void ifNoneMatchAcceptsListsAndStar() {
    assertThat(ETags.matches("\"1\", \"3\"", "\"3\"")).isTrue();
    assertThat(ETags.matches("*", "\"3\"")).isTrue();
    assertThat(ETags.matches("\"2\"", "\"3\"")).isFalse();
  }
}
