package io.shardgate.shardnode.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MySqlStoreConfigTest {

  @Test
  void localUsesTheNamedDefaults() {
    MySqlStoreConfig config = MySqlStoreConfig.local("app", "secret", "shardgate_node1");

    assertThat(config.host()).isEqualTo("127.0.0.1");
    assertThat(config.port()).isEqualTo(3306);
    assertThat(config.poolSize()).isEqualTo(MySqlStoreConfig.DEFAULT_POOL_SIZE);
    assertThat(config.maxWaitQueue()).isEqualTo(MySqlStoreConfig.DEFAULT_MAX_WAIT_QUEUE);
  }

  @Test
  void toStringHidesThePassword() {
    MySqlStoreConfig config = MySqlStoreConfig.local("app", "s3cr3t-value", "shardgate_node1");

    assertThat(config.toString()).doesNotContain("s3cr3t-value").contains("password=***", "shardgate_node1");
  }

  @Test
  void anEmptyPasswordIsAllowed() {
    assertThat(MySqlStoreConfig.local("app", "", "db").password()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "shard-gate", "a b", "db`; DROP", "naïve", "x.y",
      "a1234567890123456789012345678901234567890123456789012345678901234"})
  void rejectsDatabaseNamesOutsideTheSafeAlphabet(String database) {
    assertThatThrownBy(() -> MySqlStoreConfig.local("app", "pw", database))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("mysql database must match [A-Za-z0-9_]{1,64}");
  }

  @Test
  void acceptsA64CharacterDatabaseName() {
    String name = "d".repeat(64);
    assertThat(MySqlStoreConfig.local("app", "pw", name).database()).isEqualTo(name);
  }

  @Test
  void eachInvalidFieldIsNamed() {
    assertRejected(() -> new MySqlStoreConfig(" ", 3306, "u", "p", "db", 1, 0), "mysql host must not be empty");
    assertRejected(() -> new MySqlStoreConfig(null, 3306, "u", "p", "db", 1, 0), "mysql host must not be empty");
    assertRejected(() -> new MySqlStoreConfig("h", 0, "u", "p", "db", 1, 0), "mysql port must be in 1..65535, was 0");
    assertRejected(() -> new MySqlStoreConfig("h", 65536, "u", "p", "db", 1, 0), "was 65536");
    assertRejected(() -> new MySqlStoreConfig("h", 3306, "", "p", "db", 1, 0), "mysql user must not be empty");
    assertRejected(() -> new MySqlStoreConfig("h", 3306, "u", null, "db", 1, 0), "mysql password must not be null");
    assertRejected(() -> new MySqlStoreConfig("h", 3306, "u", "p", null, 1, 0), "was null");
    assertRejected(() -> new MySqlStoreConfig("h", 3306, "u", "p", "db", 0, 0), "mysql poolSize must be at least 1, was 0");
    assertRejected(() -> new MySqlStoreConfig("h", 3306, "u", "p", "db", 1, -1), "mysql maxWaitQueue must be 0 or more");
  }

  private static void assertRejected(Runnable construction, String message) {
    assertThatThrownBy(construction::run).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
  }
}
