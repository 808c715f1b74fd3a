package io.shardgate.cluster.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.redis.client.RedisOptions;
import org.junit.jupiter.api.Test;

class RedisRegistryOptionsTest {

  @Test
  void carriesPoolLimitsIntoTheClientOptions() {
    RedisOptions redis = RedisRegistryOptions.of("redis://127.0.0.1:6379", "prod").withPool(4, 32).redisOptions();

    assertThat(redis.getEndpoint()).isEqualTo("redis://127.0.0.1:6379");
    assertThat(redis.getMaxPoolSize()).isEqualTo(4);
    assertThat(redis.getMaxPoolWaiting()).isEqualTo(32);
  }

  @Test
  void aPlainUrlGetsNoTlsAndNoCredentials() {
    RedisOptions redis = RedisRegistryOptions.of("redis://127.0.0.1:6379", "prod").redisOptions();

    assertThat(redis.getNetClientOptions().isSsl()).isFalse();
    assertThat(redis.getUser()).isNull();
    assertThat(redis.getPassword()).isNull();
  }

  @Test
  void aRedissUrlTurnsTlsOnWithHostnameVerificationTheCaAndTheAclUser() {
    RedisOptions redis = RedisRegistryOptions.of("rediss://127.0.0.1:6380", "prod")
        .withCredentials("shardgate", "s3cret").withCaFile("/run/tls/ca.pem").redisOptions();

    NetClientOptions net = redis.getNetClientOptions();
    assertThat(net.isSsl()).isTrue();
    assertThat(net.getHostnameVerificationAlgorithm()).isEqualTo("HTTPS");
    assertThat(((PemTrustOptions) net.getTrustOptions()).getCertPaths()).containsExactly("/run/tls/ca.pem");
    assertThat(redis.getUser()).isEqualTo("shardgate");
    assertThat(redis.getPassword()).isEqualTo("s3cret");
  }

  @Test
  void aRedissUrlWithoutCaTrustsTheJvmDefaults() {
    NetClientOptions net = RedisRegistryOptions.of("rediss://redis.example:6380", "prod").redisOptions()
        .getNetClientOptions();

    assertThat(net.isSsl()).isTrue();
    assertThat(net.getTrustOptions()).isNull();
  }

  @Test
  void neverShowsThePassword() {
    String shown = RedisRegistryOptions.of("rediss://app:in-url@h:6380", "prod").withCredentials(null, null)
        .toString() + RedisRegistryOptions.of("rediss://h:6380", "prod").withCredentials("app", "s3cret");

    assertThat(shown).doesNotContain("in-url").doesNotContain("s3cret");
  }

  @Test
  void namesEveryKeyUnderTheClusterPrefix() {
    RedisKeys keys = RedisRegistryOptions.of("redis://localhost", "prod").keys();

    assertThat(keys.members()).isEqualTo("shardgate:prod:members");
    assertThat(keys.lease("shard-1")).isEqualTo("shardgate:prod:lease:shard-1");
    assertThat(keys.events()).isEqualTo("shardgate:prod:events");
    assertThat(keys.ids("expenses")).isEqualTo("shardgate:prod:ids:expenses");
  }

  @Test
  void failsFastWithAPreciseMessage() {
    assertThatThrownBy(() -> RedisRegistryOptions.of("http://localhost", "prod")).hasMessageContaining("redis://");
    assertThatThrownBy(() -> RedisRegistryOptions.of("redis://localhost", "my cluster"))
        .hasMessageContaining("cluster name 'my cluster'");
    assertThatThrownBy(() -> RedisRegistryOptions.of("redis://localhost", "a:b")).hasMessageContaining("cluster name");
    assertThatThrownBy(() -> RedisRegistryOptions.of("redis://localhost", "prod").withPool(0, 10))
        .hasMessageContaining("poolSize must be at least 1");
    assertThatThrownBy(() -> RedisRegistryOptions.of("redis://localhost", "prod").withReconnect(500, 100))
        .hasMessageContaining("max delay");
    assertThatThrownBy(() -> RedisRegistryOptions.of("redis://localhost", "prod").withCaFile("/ca.pem"))
        .hasMessageContaining("not rediss://");
  }
}
