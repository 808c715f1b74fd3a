package io.shardgate.cluster.security;

import io.shardgate.cluster.config.ConfigException;
import io.shardgate.cluster.config.Settings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.security.auth.x500.X500Principal;

/**
 * What one process needs to take part in the internal plane, as PEM text: the cluster CA's certificate
 * (whom to trust), this member's certificate chain and its private key (what to prove). Checked when
 * loaded, so a wrong file fails at start with its name instead of at the first handshake.
 */
public record MemberCredentials(String caPem, String certificatePem, String keyPem) {

  public MemberCredentials {
    ClusterCa.Pem.certificates(caPem, "the cluster CA certificate");
    ClusterCa.Pem.certificates(certificatePem, "the member certificate");
    ClusterCa.Pem.privateKey(keyPem, "the member key");
  }

  /** Reads the three files; a missing or malformed one fails with a message naming it. */
  public static MemberCredentials read(Path caFile, Path certificateFile, Path keyFile) {
    return new MemberCredentials(text(caFile, "security.caFile"), text(certificateFile, "security.certFile"),
        text(keyFile, "security.keyFile"));
  }

  /**
   * The credentials of the process {@code id} as the configuration names them ({@code {id}} in the cert
   * and key paths); fails with a message naming the setting.
   */
  public static MemberCredentials configured(Settings.Security security, String id) {
    try {
      return read(Path.of(security.caFile()), Path.of(security.certFile(id)), Path.of(security.keyFile(id)));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("security: " + e.getMessage());
    }
  }

  /** Writes {@code ca.pem}, {@code <name>.pem} and {@code <name>-key.pem} (owner-only) under dir. */
  public void write(Path dir, String name) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("ca.pem"), caPem, StandardCharsets.US_ASCII);
    Files.writeString(dir.resolve(name + ".pem"), certificatePem, StandardCharsets.US_ASCII);
    writeOwnerOnly(dir.resolve(name + "-key.pem"), keyPem);
  }

  /** Writes a secret (a key) to a file only its owner may read, created so from the start. */
  public static void writeOwnerOnly(Path file, String text) throws IOException {
    Files.deleteIfExists(file);
    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(file, text, StandardCharsets.US_ASCII);
  }

  public X509Certificate ca() {
    return ClusterCa.Pem.certificates(caPem, "the cluster CA certificate").get(0);
  }

  public List<X509Certificate> chain() {
    return ClusterCa.Pem.certificates(certificatePem, "the member certificate");
  }

  public PrivateKey key() {
    return ClusterCa.Pem.privateKey(keyPem, "the member key");
  }

  /**
   * A JDK {@link SSLContext} that presents this member's certificate and trusts only the cluster CA, for
   * tools and tests that call the internal plane with {@code java.net.http}.
   */
  public SSLContext sslContext() {
    try {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      char[] none = new char[0];
      keys.setKeyEntry("member", key(), none, chain().toArray(X509Certificate[]::new));
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, none);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(kmf.getKeyManagers(), trustOnly(ca()).getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build a TLS context from the member credentials: " + e.getMessage(), e);
    }
  }

  /**
   * A JDK {@link SSLContext} that trusts only this CA and presents no certificate: what a health probe
   * (or a test playing an outsider) calls a node's internal listener with.
   */
  public static SSLContext trusting(X509Certificate ca) {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trustOnly(ca).getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build a TLS context trusting " + ca.getSubjectX500Principal(), e);
    }
  }

  static TrustManagerFactory trustOnly(X509Certificate ca) throws GeneralSecurityException, IOException {
    KeyStore trusted = KeyStore.getInstance("PKCS12");
    trusted.load(null, null);
    trusted.setCertificateEntry("cluster-ca", ca);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
    tmf.init(trusted);
    return tmf;
  }

  static String commonName(X500Principal principal) {
    for (String part : principal.getName(X500Principal.RFC2253).split(",")) {
      if (part.startsWith("CN=")) {
        return part.substring(3);
      }
    }
    return principal.getName();
  }

  private static String text(Path file, String setting) {
    try {
      return Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new IllegalArgumentException(setting + ": cannot read " + file.toAbsolutePath() + " (" + e + ")");
    }
  }
}
