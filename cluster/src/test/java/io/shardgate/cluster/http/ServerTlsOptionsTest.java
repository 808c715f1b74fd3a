package io.shardgate.cluster.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardgate.cluster.config.Settings;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.PemKeyCertOptions;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServerTlsOptionsTest {
  @Test
  void leavesAPlainListenerPlain() {
    HttpServerOptions options = ServerTlsOptions.apply(new HttpServerOptions(), Settings.ServerTls.OFF);
    assertThat(options.isSsl()).isFalse();
    assertThat(options.getKeyCertOptions()).isNull();
  }

  @Test
  void servesHttpsWithThePemPairAndOffersH2ByAlpn() {
    HttpServerOptions options = ServerTlsOptions.apply(new HttpServerOptions(),
        new Settings.ServerTls(true, "/etc/sg/chain.pem", "/etc/sg/key.pem"));
    assertThat(options.isSsl()).isTrue();
    PemKeyCertOptions pem = (PemKeyCertOptions) options.getKeyCertOptions();
    assertThat(pem.getCertPaths()).containsExactly("/etc/sg/chain.pem");
    assertThat(pem.getKeyPaths()).containsExactly("/etc/sg/key.pem");
    assertThat(options.isUseAlpn()).isTrue();
    assertThat(options.getAlpnVersions()).isEqualTo(List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1));
  }
}
