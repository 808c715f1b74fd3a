package io.shardgate.cluster.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  private static final Path SHIPPED = Path.of("..", "conf", "shardgate.json");

  @Test
  void shippedConfigurationLoadsWithTheDocumentedDefaults() {
    Settings.Shardgate s = ConfigLoader.load(SHIPPED, Map.of(), List.of());
    assertThat(s.cluster().slots()).isEqualTo(1024);
    assertThat(s.cluster().replicationFactor()).isEqualTo(2);
    assertThat(s.cluster().placement()).isEqualTo("rendezvous");
    assertThat(s.gateway().port()).isEqualTo(8080);
    assertThat(s.shardNodes()).extracting(Settings.Node::id).containsExactly("shard-1", "shard-2", "shard-3");
    assertThat(s.cacheNodes()).hasSize(3);
    assertThat(s.collections()).singleElement().satisfies(c -> {
      assertThat(c.name()).isEqualTo("expenses");
      assertThat(c.path()).isEqualTo("/v1/expenses");
      assertThat(c.keyField()).isEqualTo("id");
      assertThat(c.defaults().getString("status")).isEqualTo("pending");
      assertThat(c.cache()).isEqualTo(new Settings.CollectionCache(true, 60_000));
    });
  }

  @Test
  void collectionCacheDefaultsToEnabledWithAMinuteTtl(@TempDir Path dir) throws Exception {
    Settings.Collection c = loadCollection(dir, "\"name\":\"notes\"");
    assertThat(c.cache().enabled()).isTrue();
    assertThat(c.cache().ttlMs()).isEqualTo(60_000);
    Settings.Collection off = loadCollection(dir, "\"name\":\"notes\",\"cache\":{\"enabled\":false,\"ttlMs\":5000}");
    assertThat(off.cache()).isEqualTo(new Settings.CollectionCache(false, 5000));
  }

  @Test
  void wrongCollectionCacheSettingsFailWithThePath(@TempDir Path dir) {
    assertThatThrownBy(() -> loadCollection(dir, "\"name\":\"notes\",\"cache\":true"))
        .isInstanceOf(ConfigException.class).hasMessage("config: collections[notes.json].cache must be an object");
    assertThatThrownBy(() -> loadCollection(dir, "\"name\":\"notes\",\"cache\":{\"enabled\":\"yes\"}"))
        .hasMessage("config: collections[notes.json].cache.enabled must be true or false, got yes");
    assertThatThrownBy(() -> loadCollection(dir, "\"name\":\"notes\",\"cache\":{\"ttlMs\":10}"))
        .hasMessage("config: collections[notes.json].cache.ttlMs must be between 1000 and 86400000, got 10");
    assertThatThrownBy(() -> loadCollection(dir, "\"name\":\"notes\",\"cache\":{\"ttlMs\":1500.5}"))
        .hasMessageContaining("cache.ttlMs must be an integer");
  }

  @Test
  void aCollectionNameFollowsTheOneRuleOfEveryLayer(@TempDir Path dir) throws Exception {
    for (String cache : List.of("", ",\"cache\":{\"enabled\":false}")) {
      assertThatThrownBy(() -> loadCollection(dir, "\"name\":\"My.Notes\",\"path\":\"/v1/notes\"" + cache))
          .isInstanceOf(ConfigException.class)
          .hasMessage("config: collections[notes.json].name must be 1 to 64 characters of a-z 0-9 _ - starting with "
              + "a letter or digit, got 'My.Notes'");
    }
    assertThat(loadCollection(dir, "\"name\":\"my_notes-2\",\"path\":\"/v1/notes\"").name()).isEqualTo("my_notes-2");
  }

  /** Loads a configuration whose only collection is notes.json with these top-level fields and a minimal schema. */
  private static Settings.Collection loadCollection(Path dir, String fields) throws Exception {
    Files.writeString(dir.resolve("notes.json"), "{" + fields + ",\"schema\":{\"type\":\"object\",\"properties\":{}}}");
    Path file = dir.resolve("c.json");
    Files.writeString(file, "{\"collections\":[\"notes.json\"]}");
    return ConfigLoader.load(file, Map.of(), List.of()).collections().get(0);
  }

  @Test
  void environmentAndSetOverridesApplyInThatOrder() {
    Settings.Shardgate s = ConfigLoader.load(SHIPPED,
        Map.of("SHARDGATE_MYSQL_PASSWORD", "from-env", "SHARDGATE_ADMIN_TOKEN", "env-token"),
        List.of("gateway.port=9999", "gateway.adminToken=set-token", "lease.ttlMs=1500", "lease.renewMs=500"));
    assertThat(s.mysql().password()).isEqualTo("from-env");
    assertThat(s.gateway().adminToken()).isEqualTo("set-token");
    assertThat(s.gateway().port()).isEqualTo(9999);
    assertThat(s.lease().ttlMs()).isEqualTo(1500);
  }

  @Test
  void gatewayInstancesComeFromTheEnvironment() {
    assertThat(ConfigLoader.load(SHIPPED, Map.of("SHARDGATE_GATEWAY_INSTANCES", "2"), List.of()).gateway().instances())
        .isEqualTo(2);
    assertThatThrownBy(() -> ConfigLoader.load(SHIPPED, Map.of("SHARDGATE_GATEWAY_INSTANCES", "-1"), List.of()))
        .hasMessageContaining("gateway.instances");
  }

  @Test
  void wrongValuesFailWithThePathAndTheExpectation() {
    assertThatThrownBy(() -> ConfigLoader.load(SHIPPED, Map.of(), List.of("cluster.slots=-4")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("cluster.slots").hasMessageContaining("between 1");
    assertThatThrownBy(() -> ConfigLoader.load(SHIPPED, Map.of(), List.of("cluster.placement=maglev")))
        .hasMessageContaining("cluster.placement").hasMessageContaining("rendezvous");
    assertThatThrownBy(() -> ConfigLoader.load(SHIPPED, Map.of(), List.of("lease.renewMs=2000")))
        .hasMessageContaining("at most half");
    assertThatThrownBy(() -> ConfigLoader.load(SHIPPED, Map.of(), List.of("gateway.port=\"http\"")))
        .hasMessageContaining("gateway.port must be an integer");
    assertThatThrownBy(() -> ConfigLoader.load(SHIPPED, Map.of(), List.of("nonsense")))
        .hasMessageContaining("path=value");
  }

  @Test
  void duplicateNodeIdsAndUnknownNodesAreRejected(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("c.json");
    Files.writeString(file, """
        {"shardNodes":[{"id":"a","port":1},{"id":"a","port":2}]}
        """);
    assertThatThrownBy(() -> ConfigLoader.load(file, Map.of(), List.of())).hasMessageContaining("'a' is used twice");
    Settings.Shardgate s = ConfigLoader.load(SHIPPED, Map.of(), List.of());
    assertThatThrownBy(() -> s.shardNode("shard-9")).hasMessageContaining("shard-9").hasMessageContaining("shard-1");
  }

  @Test
  void unreadableOrInvalidFilesSaySo(@TempDir Path dir) throws Exception {
    assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("missing.json"), Map.of(), List.of()))
        .hasMessageContaining("cannot read");
    Path bad = dir.resolve("bad.json");
    Files.writeString(bad, "{not json");
    assertThatThrownBy(() -> ConfigLoader.load(bad, Map.of(), List.of())).hasMessageContaining("not valid JSON");
  }
}
