package io.shardgate.cluster.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Settings records own their defaults and bounds, and name the setting when a value is out of them. */
class SettingsTest {
  @Test
  void theDefaultsAreValidAndAreWhatAnEmptyFileGets(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("empty.json");
    Files.writeString(file, "{}");
    Settings.Shardgate s = ConfigLoader.load(file, Map.of(), List.of());
    assertThat(s.replication()).isEqualTo(Settings.Replication.DEFAULTS);
    assertThat(s.gateway()).isEqualTo(Settings.Gateway.DEFAULTS);
    assertThat(s.shardNode()).isEqualTo(Settings.ShardNode.DEFAULTS);
    assertThat(s.cacheStore()).isEqualTo(Settings.CacheStore.DEFAULTS);
    assertThat(s.lease()).isEqualTo(Settings.Lease.DEFAULTS);
  }

  @Test
  void aTuningNumberOutOfBoundsFailsAtStartNamingTheSetting() {
    assertThatThrownBy(() -> load(List.of("replication.peerPoolSize=0")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("config: replication.peerPoolSize must be between 1 and 1024, got 0");
    assertThatThrownBy(() -> load(List.of("replication.catchUpParallelism=1000")))
        .hasMessage("config: replication.catchUpParallelism must be between 1 and 256, got 1000");
    assertThatThrownBy(() -> load(List.of("replication.bulkTimeoutMs=500")))
        .hasMessageContaining("replication.bulkTimeoutMs (500) must be at least replication.pushTimeoutMs (1000)");
    assertThatThrownBy(() -> load(List.of("lease.renewMs=2000")))
        .hasMessageContaining("lease.renewMs (2000) must be at most half of lease.ttlMs (3000)");
    assertThatThrownBy(() -> load(List.of("cluster.placement=random")))
        .hasMessage("config: cluster.placement must be one of [rendezvous, ring], got 'random'");
  }

  @Test
  void aShardNodeAcceptsEveryBodyAGatewayForwards() {
    assertThatThrownBy(() -> load(List.of("gateway.maxBodyBytes=1048576")))
        .hasMessageContaining("shardNode.maxRecordBodyBytes (131072) must exceed gateway.maxBodyBytes (1048576)");
    Settings.Shardgate s = load(
        List.of("gateway.maxBodyBytes=1048576", "shardNode.maxRecordBodyBytes=2097152"));
    assertThat(s.shardNode().maxRecordBodyBytes()).isEqualTo(2 << 20);
  }

  @Test
  void theAdminTokenIsReadFromItsFileTrimmedAndAnEmptyFileIsRefused() throws java.io.IOException {
    Path token = Files.createTempFile("admin-token", "");
    token.toFile().deleteOnExit();
    Files.writeString(token, "  s3cret-token\n");
    assertThat(load(List.of("gateway.adminTokenFile=" + token)).gateway().adminToken()).isEqualTo("s3cret-token");
    Files.writeString(token, "\n");
    assertThatThrownBy(() -> load(List.of("gateway.adminTokenFile=" + token)))
        .hasMessageContaining("gateway.adminTokenFile").hasMessageContaining("is empty");
  }

  /** An empty file: every setting at its default, then the overrides. */
  private static Settings.Shardgate load(List<String> sets) {
    try {
      Path file = Files.createTempFile("settings", ".json");
      file.toFile().deleteOnExit();
      Files.writeString(file, "{}");
      return ConfigLoader.load(file, Map.of(), sets);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void recordsCheckThemselvesWhoeverBuildsThem() {
    assertThatThrownBy(() -> new Settings.Backend(2000, 500, 0, 256, 1))
        .hasMessage("config: gateway.backend.poolSize must be between 1 and 4096, got 0");
  }
}
