package io.shardgate.cluster.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Start-time checks of the PEM files TLS settings name, so that a wrong path or a file of the wrong kind
 * fails at start with the setting's name rather than at the first handshake. Runs on the main thread
 * before Vert.x starts (blocking reads are fine). Relative paths are resolved against the working directory.
 */
final class PemFiles {
  private PemFiles() {}

  /** A file holding at least one certificate (a chain or a CA bundle). */
  static String certificates(String setting, String file) {
    String text = read(setting, file, StandardCharsets.ISO_8859_1);
    if (!text.contains("-----BEGIN CERTIFICATE-----")) {
      throw new ConfigException("config: " + setting + " (" + absolute(file) + ") holds no PEM certificate"
          + " (-----BEGIN CERTIFICATE-----)");
    }
    return file;
  }

  /** A file holding an unencrypted private key: PKCS#8, or PKCS#1 RSA. */
  static String privateKey(String setting, String file) {
    String text = read(setting, file, StandardCharsets.ISO_8859_1);
    if (text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----") || text.contains("Proc-Type: 4,ENCRYPTED")) {
      throw new ConfigException("config: " + setting + " (" + absolute(file) + ") is an encrypted key; give an"
          + " unencrypted PEM key (e.g. openssl pkcs8 -topk8 -nocrypt) readable only by the service user");
    }
    if (!text.contains("-----BEGIN PRIVATE KEY-----") && !text.contains("-----BEGIN RSA PRIVATE KEY-----")) {
      throw new ConfigException("config: " + setting + " (" + absolute(file) + ") holds no PEM private key"
          + " (-----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY-----)");
    }
    return file;
  }

  /** A secret kept in a file of its own: its content without the trailing line break. */
  static String secret(String setting, String file) {
    String text = read(setting, file, StandardCharsets.UTF_8).strip();
    if (text.isEmpty()) {
      throw new ConfigException("config: " + setting + " (" + absolute(file) + ") is empty");
    }
    return text;
  }

  private static String read(String setting, String file, java.nio.charset.Charset charset) {
    Path path = Path.of(file);
    if (!Files.isRegularFile(path)) {
      throw new ConfigException("config: " + setting + " names " + absolute(file) + ", which is not a file");
    }
    try {
      return Files.readString(path, charset);
    } catch (IOException e) {
      throw new ConfigException("config: " + setting + ": cannot read " + absolute(file) + ": " + e.getMessage());
    }
  }

  private static Path absolute(String file) {
    return Path.of(file).toAbsolutePath();
  }
}
