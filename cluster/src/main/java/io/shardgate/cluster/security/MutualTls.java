package io.shardgate.cluster.security;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.TrustOptions;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Mutual TLS against the cluster CA. The listener asks for a client certificate but lets the handshake
 * finish without a valid one ({@link ClientAuth#REQUEST} and a trust manager that defers the verdict),
 * so that a caller without membership gets a 401 problem it can read instead of a reset connection;
 * the guard then checks the peer's chain against the CA once per TLS session.
 */
final class MutualTls implements MemberAuth {
  private static final long MIN_HANDSHAKE_MS = 1000;
  /** Loads the native library once, on the thread that first builds credentials (main, in the roles). */
  static final boolean OPENSSL = OpenSSLEngineOptions.isAvailable();
  private final MemberCredentials credentials;
  private final X509TrustManager members;

  MutualTls(MemberCredentials credentials) {
    this.credentials = credentials;
    try {
      this.members = (X509TrustManager) MemberCredentials.trustOnly(credentials.ca()).getTrustManagers()[0];
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot trust the cluster CA: " + e.getMessage(), e);
    }
  }

  @Override
  public void warmUp() {
    TlsWarmUp.run(credentials);
  }

  @Override
  public HttpServerOptions secure(HttpServerOptions options) {
    return engine(options).setSsl(true).setKeyCertOptions(keyCert()).setClientAuth(ClientAuth.REQUEST)
        .setTrustOptions(TrustOptions.wrap(new DeferredVerdict(members)));
  }

  @Override
  public HttpClientOptions secure(HttpClientOptions options) {
    // Membership is the identity that matters here (any member may serve any address), so the server's
    // certificate is checked against the cluster CA but not against the host name it was reached at.
    // The handshake is part of connecting: bound it like the connect (Vert.x's default is 10 s, during
    // which a frozen peer would hold a pool slot), but leave a loaded machine time for the key exchange.
    long handshakeMs = Math.max(options.getConnectTimeout(), MIN_HANDSHAKE_MS);
    return engine(options).setSsl(true).setKeyCertOptions(keyCert()).setVerifyHost(false)
        .setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(credentials.caPem())))
        .setSslHandshakeTimeout(handshakeMs).setSslHandshakeTimeoutUnit(TimeUnit.MILLISECONDS);
  }

  @Override
  public Handler<RoutingContext> guard(MeterRegistry meters, String node) {
    return new MemberGuard(members, meters, node);
  }

  /**
   * BoringSSL (netty-tcnative) when its native library loads on this platform, else the JDK's engine:
   * every internal call pays TLS on both ends, and the JDK's engine costs several times as much CPU per
   * record (measured: docs/security.md).
   */
  private static <T extends io.vertx.core.net.TCPSSLOptions> T engine(T options) {
    if (OPENSSL) {
      options.setSslEngineOptions(new OpenSSLEngineOptions());
    }
    return options;
  }

  private PemKeyCertOptions keyCert() {
    return new PemKeyCertOptions().addCertValue(Buffer.buffer(credentials.certificatePem()))
        .addKeyValue(Buffer.buffer(credentials.keyPem()));
  }

  /**
   * Accepts any client chain during the handshake (the guard decides, and answers 401), and names the
   * cluster CA as the accepted issuer so that clients holding several certificates pick the right one.
   */
  private static final class DeferredVerdict extends X509ExtendedTrustManager {
    private final X509TrustManager members;

    DeferredVerdict(X509TrustManager members) {
      this.members = members;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws java.security.cert.CertificateException {
      members.checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws java.security.cert.CertificateException {
      members.checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws java.security.cert.CertificateException {
      members.checkServerTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return members.getAcceptedIssuers();
    }
  }
}
