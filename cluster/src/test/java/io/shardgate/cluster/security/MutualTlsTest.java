package io.shardgate.cluster.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real TLS listener guarded by {@link MemberAuth#mutualTls}: members get through, callers without a
 * certificate or with one of another CA get a 401 problem (counted by reason), health stays open.
 */
class MutualTlsTest {
  private static final Duration DAY = Duration.ofDays(1);
  static Vertx vertx;
  static HttpServer server;
  static ClusterCa ca;
  static SimpleMeterRegistry meters = new SimpleMeterRegistry();

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    ca = ClusterCa.generate("unit", DAY);
    MemberAuth node = MemberAuth.mutualTls(ca.issue("node-1", List.of("127.0.0.1"), DAY));
    Router router = Router.router(vertx);
    router.route().handler(node.guard(meters, "node-1"));
    router.get("/health/live").handler(ctx -> ctx.end("up"));
    router.get("/records/x").handler(ctx -> ctx.end("caller=" + MemberAuth.caller(ctx)));
    server = vertx.createHttpServer(node.secure(new HttpServerOptions().setHost("127.0.0.1").setPort(0)))
        .requestHandler(router).listen().await();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  @Test
  void aMemberGetsThroughAndIsNamedByItsCertificate() throws Exception {
    HttpResponse<String> r = get(ca.issue("gateway", List.of("127.0.0.1"), DAY).sslContext(), "/records/x");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("caller=gateway");
  }

  @Test
  void withoutACertificateOrWithAnotherCasTheAnswerIs401AndCounted() throws Exception {
    MemberCredentials member = ca.issue("gateway", List.of("127.0.0.1"), DAY);
    MemberCredentials stranger = ClusterCa.generate("unit", DAY).issue("gateway", List.of("127.0.0.1"), DAY);
    HttpResponse<String> none = get(MemberCredentials.trusting(member.ca()), "/records/x");
    HttpResponse<String> other = get(new MemberCredentials(member.caPem(), stranger.certificatePem(), stranger.keyPem())
        .sslContext(), "/records/x");
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.headers().firstValue("content-type")).hasValue("application/problem+json");
    assertThat(none.body()).contains("no client certificate");
    assertThat(other.statusCode()).isEqualTo(401);
    assertThat(other.body()).contains("not issued by this cluster's CA");
    assertThat(meters.counter("shardgate.internal.auth.rejected", "node", "node-1", "reason", "no-certificate").count())
        .isGreaterThanOrEqualTo(1);
    assertThat(meters.counter("shardgate.internal.auth.rejected", "node", "node-1", "reason", "untrusted").count())
        .isGreaterThanOrEqualTo(1);
  }

  @Test
  void healthNeedsNoCertificate() throws Exception {
    assertThat(get(MemberCredentials.trusting(ca.issue("x", List.of(), DAY).ca()), "/health/live").statusCode()).isEqualTo(200);
  }

  @Test
  void aClientTrustingOnlyTheClusterCaRefusesAServerOfAnotherCa() {
    MemberCredentials stranger = ClusterCa.generate("other", DAY).issue("gateway", List.of("127.0.0.1"), DAY);
    assertThatThrownBy(() -> get(stranger.sslContext(), "/health/live")).hasStackTraceContaining("PKIX");
  }

  @Test
  void issuedCertificatesNameTheMemberAndItsHostsAndRoundTripThroughFiles(@TempDir Path dir) throws Exception {
    MemberCredentials c = ca.issue("shard-7", List.of("10.0.0.7", "shard-7.internal"), DAY);
    X509Certificate cert = c.chain().get(0);
    cert.verify(c.ca().getPublicKey());
    assertThat(MemberCredentials.commonName(cert.getSubjectX500Principal())).isEqualTo("shard-7");
    assertThat(cert.getSubjectAlternativeNames().stream().map(n -> String.valueOf(n.get(1))).toList())
        .containsExactly("10.0.0.7", "shard-7.internal");
    assertThat(cert.getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
    c.write(dir, "shard-7");
    MemberCredentials read = MemberCredentials.read(dir.resolve("ca.pem"), dir.resolve("shard-7.pem"), dir.resolve("shard-7-key.pem"));
    assertThat(read).isEqualTo(c);
    assertThat(Files.getPosixFilePermissions(dir.resolve("shard-7-key.pem"))).hasSize(2);
    ClusterCa again = ClusterCa.read(ca.certificatePem(), ca.keyPem());
    again.issue("later", List.of(), DAY).chain().get(0).verify(ca.issue("x", List.of(), DAY).ca().getPublicKey());
  }

  @Test
  void aWrongFileFailsAtLoadNamingTheSetting(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("ca.pem"), ca.certificatePem());
    Files.writeString(dir.resolve("cert.pem"), "not a certificate");
    assertThatThrownBy(() -> MemberCredentials.read(dir.resolve("ca.pem"), dir.resolve("cert.pem"), dir.resolve("missing.pem")))
        .hasMessageContaining("security.keyFile");
    Files.writeString(dir.resolve("key.pem"), ca.keyPem());
    assertThatThrownBy(() -> MemberCredentials.read(dir.resolve("ca.pem"), dir.resolve("cert.pem"), dir.resolve("key.pem")))
        .hasMessageContaining("member certificate");
  }

  private static HttpResponse<String> get(SSLContext tls, String path) throws Exception {
    HttpClient client = HttpClient.newBuilder().sslContext(tls).version(HttpClient.Version.HTTP_1_1).build();
    return client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.actualPort() + path))
        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
  }


}
