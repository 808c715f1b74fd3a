package io.shardgate.cluster.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NamesTest {
  @Test
  void keysAreOneToAHundredAndTwentyEightUrlSafeCharactersStartingWithALetterOrDigit() {
    assertThat(Names.isKey("42")).isTrue();
    assertThat(Names.isKey("b1.x_y~z-Q")).isTrue();
    assertThat(Names.isKey("a".repeat(128))).isTrue();
    assertThat(Names.isKey("a".repeat(129))).isFalse();
    assertThat(Names.isKey("")).isFalse();
    assertThat(Names.isKey(null)).isFalse();
    assertThat(Names.isKey(".hidden")).isFalse();
    assertThat(Names.isKey("-x")).isFalse();
    assertThat(Names.isKey("a/b")).isFalse();
    assertThat(Names.isKey("a%2F")).isFalse();
    assertThat(Names.isKey("é")).isFalse();
    assertThat(Names.isKey("a b")).isFalse();
  }

  @Test
  void collectionsAreLowerCaseAndStartWithALetterOrDigit() {
    assertThat(Names.isCollection("expenses")).isTrue();
    assertThat(Names.isCollection("my_notes-2")).isTrue();
    assertThat(Names.isCollection("x".repeat(64))).isTrue();
    assertThat(Names.isCollection("x".repeat(65))).isFalse();
    assertThat(Names.isCollection("Expenses")).isFalse();
    assertThat(Names.isCollection("_x")).isFalse();
    assertThat(Names.isCollection("a.b")).isFalse();
    assertThat(Names.isCollection("")).isFalse();
    assertThat(Names.isCollection(null)).isFalse();
  }

  @Test
  void theRulesSayWhatTheyCheck() {
    assertThat(Names.KEY_RULE).contains("128");
    assertThat(Names.COLLECTION_RULE).contains("64");
  }
}
