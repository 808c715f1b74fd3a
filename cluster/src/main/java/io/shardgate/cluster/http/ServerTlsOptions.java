package io.shardgate.cluster.http;

import io.shardgate.cluster.config.Settings;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.PemKeyCertOptions;
import java.util.List;

/** A listener's TLS settings as Vert.x server options: HTTPS with a PEM key pair, h2 or HTTP/1.1 by ALPN. */
public final class ServerTlsOptions {
  private ServerTlsOptions() {}

  /** Turns TLS on in {@code options} when the settings say so; returns {@code options}. */
  public static HttpServerOptions apply(HttpServerOptions options, Settings.ServerTls tls) {
    if (!tls.enabled()) {
      return options;
    }
    return options.setSsl(true)
        .setKeyCertOptions(new PemKeyCertOptions().setCertPath(tls.certFile()).setKeyPath(tls.keyFile()))
        .setUseAlpn(true)
        .setAlpnVersions(List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1));
  }
}
