package io.shardgate.cluster.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS and listener settings: off by default, and checked at start with messages naming the setting. */
class TransportSettingsTest {
  private static final String CERT = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
  private static final String KEY = "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n";

  @TempDir
  Path dir;

  @Test
  void everythingIsOffOrBoundedByDefault() throws Exception {
    Settings.Shardgate s = load();
    assertThat(s.gateway().tls().enabled()).isFalse();
    assertThat(s.gateway().listener()).isEqualTo(Settings.Listener.GATEWAY_DEFAULTS);
    assertThat(s.nodeListener()).isEqualTo(Settings.Listener.NODE_DEFAULTS);
    assertThat(s.redis().tls()).isFalse();
    assertThat(s.redis().password()).isNull();
    assertThat(s.mysql().tls()).isEqualTo(Settings.MySqlTls.DISABLED);
  }

  @Test
  void readsListenerLimitsOfTheGatewayAndTheNodes() throws Exception {
    Settings.Shardgate s = load("gateway.idleTimeoutSeconds=30", "gateway.headerTimeoutMs=2000",
        "gateway.maxConnections=500", "nodeListener.maxConnections=64");
    assertThat(s.gateway().listener()).isEqualTo(new Settings.Listener("gateway", 30, 2000, 500));
    assertThat(s.nodeListener().maxConnections()).isEqualTo(64);
    assertThatThrownBy(() -> load("nodeListener.headerTimeoutMs=10"))
        .hasMessage("config: nodeListener.headerTimeoutMs must be between 100 and 600000, got 10");
    assertThatThrownBy(() -> load("gateway.maxConnections=0"))
        .hasMessage("config: gateway.maxConnections must be between 1 and 1000000, got 0");
  }

  @Test
  void gatewayTlsNeedsAReadableCertificateAndKey() throws Exception {
    Path cert = write("gateway.pem", CERT);
    Path key = write("gateway-key.pem", KEY);
    Settings.ServerTls tls = load("gateway.tls.enabled=true", "gateway.tls.certFile=" + cert,
        "gateway.tls.keyFile=" + key).gateway().tls();
    assertThat(tls).isEqualTo(new Settings.ServerTls(true, cert.toString(), key.toString()));

    assertThatThrownBy(() -> load("gateway.tls.enabled=true", "gateway.tls.keyFile=" + key))
        .hasMessage("config: gateway.tls.certFile is required");
    assertThatThrownBy(() -> load("gateway.tls.enabled=true", "gateway.tls.certFile=" + dir.resolve("nope.pem"),
        "gateway.tls.keyFile=" + key))
        .hasMessage("config: gateway.tls.certFile names " + dir.resolve("nope.pem") + ", which is not a file");
    assertThatThrownBy(() -> load("gateway.tls.enabled=true", "gateway.tls.certFile=" + key,
        "gateway.tls.keyFile=" + key)).hasMessageContaining("gateway.tls.certFile (" + key + ") holds no PEM certificate");
    assertThatThrownBy(() -> load("gateway.tls.enabled=true", "gateway.tls.certFile=" + cert,
        "gateway.tls.keyFile=" + cert)).hasMessageContaining("gateway.tls.keyFile (" + cert + ") holds no PEM private key");
    Path encrypted = write("enc.pem", "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMII\n-----END ENCRYPTED PRIVATE KEY-----\n");
    assertThatThrownBy(() -> load("gateway.tls.enabled=true", "gateway.tls.certFile=" + cert,
        "gateway.tls.keyFile=" + encrypted)).hasMessageContaining("is an encrypted key");
  }

  @Test
  void redisTakesAnAclUserAPasswordOrPasswordFileAndACaForRediss() throws Exception {
    Path ca = write("ca.pem", CERT);
    Path secret = write("redis.pass", "s3cret\n");
    Settings.Redis redis = load("redis.url=rediss://127.0.0.1:6380", "redis.user=shardgate",
        "redis.passwordFile=" + secret, "redis.tls.caFile=" + ca).redis();
    assertThat(redis.tls()).isTrue();
    assertThat(redis.user()).isEqualTo("shardgate");
    assertThat(redis.password()).isEqualTo("s3cret");
    assertThat(redis.caFile()).isEqualTo(ca.toString());
    assertThat(redis.toString()).doesNotContain("s3cret").contains("password=***");

    assertThat(ConfigLoader.load(file(), Map.of("SHARDGATE_REDIS_PASSWORD", "from-env"), List.of()).redis().password())
        .isEqualTo("from-env");
    assertThatThrownBy(() -> load("redis.password=a", "redis.passwordFile=" + secret))
        .hasMessage("config: redis.password and redis.passwordFile are both set: give one");
    assertThatThrownBy(() -> load("redis.user=shardgate"))
        .hasMessage("config: redis.user is set without redis.password or redis.passwordFile");
    assertThatThrownBy(() -> load("redis.tls.caFile=" + ca))
        .hasMessage("config: redis.tls.caFile is set but redis.url does not start with rediss:// (TLS)");
    assertThatThrownBy(() -> load("redis.url=rediss://u:pw@host:6380", "redis.password=other"))
        .hasMessageContaining("give the password in one place");
    assertThatThrownBy(() -> load("redis.url=http://u:hidden@host"))
        .hasMessage("config: redis.url must start with redis://, rediss:// or unix://, got 'http://u:***@host'");
    assertThatThrownBy(() -> load("redis.passwordFile=" + write("empty.pass", "\n")))
        .hasMessageContaining("redis.passwordFile (").hasMessageContaining(") is empty");
  }

  @Test
  void mysqlTlsModesAndTheirCa() throws Exception {
    Path ca = write("ca.pem", CERT);
    assertThat(load("mysql.tls.mode=required").mysql().tls()).isEqualTo(new Settings.MySqlTls("required", null));
    assertThat(load("mysql.tls.mode=verify-full", "mysql.tls.caFile=" + ca).mysql().tls())
        .isEqualTo(new Settings.MySqlTls("verify-full", ca.toString()));
    assertThatThrownBy(() -> load("mysql.tls.mode=verify-ca"))
        .hasMessageStartingWith("config: mysql.tls.caFile is required when mysql.tls.mode is verify-ca");
    assertThatThrownBy(() -> load("mysql.tls.mode=preferred"))
        .hasMessage("config: mysql.tls.mode must be one of [disabled, required, verify-ca, verify-full], got 'preferred'");
    assertThatThrownBy(() -> load("mysql.tls.caFile=" + ca)).hasMessageContaining("mysql.tls.mode is disabled");
    assertThat(load("mysql.password=hunter2").mysql().toString()).doesNotContain("hunter2");
  }

  @Test
  void redactsThePasswordOfAUrl() {
    assertThat(Secrets.redactUrl("rediss://app:pw@h:6380/0")).isEqualTo("rediss://app:***@h:6380/0");
    assertThat(Secrets.redactUrl("redis://:pw@h")).isEqualTo("redis://:***@h");
    assertThat(Secrets.redactUrl("redis://h:6379")).isEqualTo("redis://h:6379");
  }

  private Path write(String name, String text) throws Exception {
    return Files.writeString(dir.resolve(name), text);
  }

  private Path file() throws Exception {
    return Files.writeString(dir.resolve("empty.json"), "{}");
  }

  private Settings.Shardgate load(String... sets) throws Exception {
    return ConfigLoader.load(file(), Map.of(), new ArrayList<>(List.of(sets)));
  }
}
