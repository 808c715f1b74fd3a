package io.shardgate.cluster.security;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.shardgate.cluster.http.OpsRoutes;
import io.shardgate.cluster.http.Problem;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.EnumMap;
import java.util.Map;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.X509TrustManager;

/**
 * Admits a request to the internal plane only from a caller whose TLS client certificate chains to the
 * cluster CA. The verdict is worked out once per TLS session and kept on it, so a keep-alive connection
 * pays for one chain check, not one per request.
 */
final class MemberGuard implements Handler<RoutingContext> {
  static final String CALLER = "shardgate.caller";
  private static final String VERDICT = "io.shardgate.member-verdict";

  /** Why a caller was turned away; the tag of the rejection metric. */
  enum Reason {
    NOT_TLS("not-tls", "the internal plane needs TLS with a cluster member certificate"),
    NO_CERTIFICATE("no-certificate", "no client certificate was presented: the internal plane needs a certificate of the cluster CA"),
    UNTRUSTED("untrusted", "the client certificate was not issued by this cluster's CA, or has expired");

    final String tag;
    final String detail;

    Reason(String tag, String detail) {
      this.tag = tag;
      this.detail = detail;
    }
  }

  /** A session's verdict: the member's name, or why it is not one. */
  private record Verdict(String member, Reason reason) {}

  private final X509TrustManager members;
  private final Map<Reason, Counter> rejected = new EnumMap<>(Reason.class);

  MemberGuard(X509TrustManager members, MeterRegistry meters, String node) {
    this.members = members;
    for (Reason r : Reason.values()) {
      rejected.put(r, Counter.builder("shardgate.internal.auth.rejected").tag("node", node).tag("reason", r.tag)
          .description("internal requests refused with 401 because the caller proved no cluster membership")
          .register(meters));
    }
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (OpsRoutes.isOpen(ctx.request().path())) {
      ctx.next();
      return;
    }
    Verdict verdict = verdict(ctx.request());
    if (verdict.member() != null) {
      ctx.put(CALLER, verdict.member());
      ctx.next();
      return;
    }
    rejected.get(verdict.reason()).increment();
    // The body was not read: close the connection after answering rather than drain what the caller sends.
    ctx.response().putHeader("connection", "close");
    Problem.of(401, "unauthenticated", "Not a cluster member", verdict.reason().detail).send(ctx.response());
  }

  private Verdict verdict(HttpServerRequest request) {
    SSLSession session = request.sslSession();
    if (session == null) {
      return new Verdict(null, Reason.NOT_TLS);
    }
    Object known = session.getValue(VERDICT);
    if (known instanceof Verdict v) {
      return v;
    }
    Verdict v = check(session);
    session.putValue(VERDICT, v);
    return v;
  }

  private Verdict check(SSLSession session) {
    Certificate[] presented;
    try {
      presented = session.getPeerCertificates();
    } catch (SSLPeerUnverifiedException e) {
      return new Verdict(null, Reason.NO_CERTIFICATE);
    }
    if (presented.length == 0) {
      return new Verdict(null, Reason.NO_CERTIFICATE);
    }
    X509Certificate[] chain = new X509Certificate[presented.length];
    for (int i = 0; i < presented.length; i++) {
      if (!(presented[i] instanceof X509Certificate x)) {
        return new Verdict(null, Reason.UNTRUSTED);
      }
      chain[i] = x;
    }
    try {
      members.checkClientTrusted(chain, "UNKNOWN");
      return new Verdict(MemberCredentials.commonName(chain[0].getSubjectX500Principal()), null);
    } catch (CertificateException | RuntimeException e) {
      return new Verdict(null, Reason.UNTRUSTED);
    }
  }
}
