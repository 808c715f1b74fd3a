package io.shardgate.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A gateway with public TLS over a Redis that speaks only TLS and admits only an ACL user: certificates
 * from scripts/cluster.sh's throwaway CA, a redis-server of the test's own on a free port.
 */
class TransportTlsIT {
  @TempDir
  Path dir;

  private Process redis;

  @AfterEach
  void stopRedis() throws InterruptedException {
    if (redis != null) {
      redis.destroy();
      redis.waitFor();
    }
  }

  @Test
  void aGatewayServesHttpsAndKeepsItsRegistryOnATlsRedisAsAnAclUser() throws Exception {
    Path tls = dir.resolve("tls");
    run(List.of("bash", Path.of("..", "scripts", "cluster.sh").toString(), "tls-certs", tls.toString(), "gateway", "redis"));
    String password = UUID.randomUUID().toString();
    Files.writeString(tls.resolve("redis.pass"), password + "\n");
    Files.writeString(tls.resolve("users.acl"), "user default off\nuser shardgate on >" + password + " ~* &* +@all\n");
    int redisPort = ProcessCluster.freePort();
    redis = new ProcessBuilder("redis-server", "--port", "0", "--tls-port", Integer.toString(redisPort), "--bind",
        "127.0.0.1", "--tls-cert-file", tls.resolve("redis.pem").toString(), "--tls-key-file",
        tls.resolve("redis-key.pem").toString(), "--tls-ca-cert-file", tls.resolve("ca.pem").toString(),
        "--tls-auth-clients", "no", "--aclfile", tls.resolve("users.acl").toString(), "--save", "", "--appendonly", "no",
        "--dir", tls.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("redis-server.out").toFile()).start();
    ProcessCluster.awaitCondition(Duration.ofSeconds(10), "redis-server on " + redisPort, () -> accepts(redisPort));

    JsonObject overrides = new JsonObject()
        .put("gateway", new JsonObject().put("tls", new JsonObject().put("enabled", true)
            .put("certFile", tls.resolve("gateway.pem").toString())
            .put("keyFile", tls.resolve("gateway-key.pem").toString())))
        .put("redis", new JsonObject().put("url", "rediss://127.0.0.1:" + redisPort).put("user", "shardgate")
            .put("passwordFile", tls.resolve("redis.pass").toString())
            .put("tls", new JsonObject().put("caFile", tls.resolve("ca.pem").toString())));
    SSLContext trustCa = trusting(tls.resolve("ca.pem"));
    try (ProcessCluster cluster = new ProcessCluster(dir, 0, 0, overrides).gatewayTls(trustCa).gatewayWithoutNodes()) {
      cluster.startGateway();

      HttpResponse<String> h2 = send(trustCa, HttpClient.Version.HTTP_2, cluster.gateway() + "/health/live");
      assertThat(h2.statusCode()).isEqualTo(200);
      assertThat(h2.version()).isEqualTo(HttpClient.Version.HTTP_2);
      HttpResponse<String> members = send(trustCa, HttpClient.Version.HTTP_1_1, cluster.gateway() + "/admin/members",
          "authorization", "Bearer " + cluster.adminToken);
      assertThat(members.statusCode()).isEqualTo(200);
      assertThat(members.version()).isEqualTo(HttpClient.Version.HTTP_1_1);

      // Plain HTTP on the HTTPS port, and HTTPS without trusting the CA, are both refused.
      assertThatThrownBy(() -> send(null, HttpClient.Version.HTTP_1_1, "http://127.0.0.1:" + cluster.gatewayPort
          + "/health/ready")).isInstanceOf(IOException.class);
      assertThatThrownBy(() -> send(SSLContext.getDefault(), HttpClient.Version.HTTP_1_1,
          cluster.gateway() + "/health/live")).isInstanceOf(IOException.class);

      String clients = run(List.of("redis-cli", "--tls", "--cacert", tls.resolve("ca.pem").toString(), "-h",
          "127.0.0.1", "-p", Integer.toString(redisPort), "--user", "shardgate", "--pass", password,
          "--no-auth-warning", "CLIENT", "LIST"));
      assertThat(clients).contains("user=shardgate").doesNotContain("user=default");
      assertThat(Files.readString(cluster.log("gateway"))).doesNotContain(password);
      cluster.shutDownAndCheck();
    }
  }

  private static HttpResponse<String> send(SSLContext trust, HttpClient.Version version, String url, String... headers)
      throws IOException, InterruptedException {
    HttpClient.Builder client = HttpClient.newBuilder().version(version).connectTimeout(Duration.ofSeconds(2));
    if (trust != null) {
      client.sslContext(trust);
    }
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5));
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return client.build().send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static SSLContext trusting(Path caFile) throws Exception {
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    try (InputStream in = Files.newInputStream(caFile)) {
      store.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(store);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    return context;
  }

  private static boolean accepts(int port) {
    try (Socket ignored = new Socket("127.0.0.1", port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Runs a command to completion; fails the test when it fails. */
  private static String run(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new AssertionError(String.join(" ", command) + " failed:\n" + out);
    }
    return out;
  }
}
