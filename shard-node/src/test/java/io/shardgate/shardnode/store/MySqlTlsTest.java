package io.shardgate.shardnode.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.mysqlclient.MySQLConnectOptions;
import io.vertx.mysqlclient.SslMode;
import org.junit.jupiter.api.Test;

/** Each --ssl-mode spelling maps onto the Vert.x client's SslMode and trust as the mysql client's would. */
class MySqlTlsTest {
  @Test
  void disabledSendsNoTls() {
    MySQLConnectOptions options = MySqlTls.of("disabled", null).applyTo(new MySQLConnectOptions());
    assertThat(options.getSslMode()).isEqualTo(SslMode.DISABLED);
  }

  @Test
  void requiredEncryptsWithoutCheckingTheCertificate() {
    MySQLConnectOptions options = MySqlTls.of("required", null).applyTo(new MySQLConnectOptions());
    assertThat(options.getSslMode()).isEqualTo(SslMode.REQUIRED);
    assertThat(options.getSslOptions().isTrustAll()).isTrue();
  }

  @Test
  void verifyCaTrustsTheCaFileOnly() {
    MySQLConnectOptions options = MySqlTls.of("verify-ca", "/tls/ca.pem").applyTo(new MySQLConnectOptions());
    assertThat(options.getSslMode()).isEqualTo(SslMode.VERIFY_CA);
    ClientSSLOptions ssl = options.getSslOptions();
    assertThat(ssl.isTrustAll()).isFalse();
    assertThat(((PemTrustOptions) ssl.getTrustOptions()).getCertPaths()).containsExactly("/tls/ca.pem");
    assertThat(ssl.getHostnameVerificationAlgorithm()).isEmpty();
  }

  @Test
  void verifyFullAlsoChecksTheHostName() {
    MySQLConnectOptions options = MySqlTls.of("verify-full", "/tls/ca.pem").applyTo(new MySQLConnectOptions());
    assertThat(options.getSslMode()).isEqualTo(SslMode.VERIFY_IDENTITY);
    assertThat(options.getSslOptions().getHostnameVerificationAlgorithm()).isEqualTo("HTTPS");
    assertThat(((PemTrustOptions) options.getSslOptions().getTrustOptions()).getCertPaths())
        .containsExactly("/tls/ca.pem");
  }

  @Test
  void refusesWhatCannotWork() {
    assertThatThrownBy(() -> MySqlTls.of("verify-ca", null)).hasMessage("mysql tls mode verify-ca needs a CA file");
    assertThatThrownBy(() -> MySqlTls.of("preferred", null))
        .hasMessage("mysql tls mode must be disabled, required, verify-ca or verify-full, was 'preferred'");
  }

  @Test
  void theStoreConfigCarriesItAndStillHidesThePassword() {
    MySqlStoreConfig config = new MySqlStoreConfig("db", 3306, "app", "pw-secret", "shardgate_a", 1, 0,
        MySqlTls.of("verify-full", "/tls/ca.pem"));
    assertThat(config.tls().mode()).isEqualTo(MySqlTls.Mode.VERIFY_FULL);
    assertThat(MySqlStoreConfig.local("app", "pw", "db").tls()).isEqualTo(MySqlTls.DISABLED);
    assertThat(config.toString()).doesNotContain("pw-secret");
  }
}
