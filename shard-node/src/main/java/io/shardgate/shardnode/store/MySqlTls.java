package io.shardgate.shardnode.store;

import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.mysqlclient.MySQLConnectOptions;
import io.vertx.mysqlclient.SslMode;
import java.util.Locale;

/**
 * TLS of the store's connections, named as the mysql client's {@code --ssl-mode}, and how each mode maps
 * onto the Vert.x client: {@code required} encrypts without checking the server's certificate (no
 * protection against a man in the middle), {@code verify-ca} checks it is signed by caFile,
 * {@code verify-full} also that it names the host connected to.
 *
 * @param caFile PEM file of the CA(s) the server's certificate must chain to; required by the verify modes
 */
public record MySqlTls(Mode mode, String caFile) {
  public enum Mode { DISABLED, REQUIRED, VERIFY_CA, VERIFY_FULL }

  public static final MySqlTls DISABLED = new MySqlTls(Mode.DISABLED, null);

  public MySqlTls {
    if (mode == null) {
      throw new IllegalArgumentException("mysql tls mode must not be null");
    }
    if ((mode == Mode.VERIFY_CA || mode == Mode.VERIFY_FULL) && caFile == null) {
      throw new IllegalArgumentException("mysql tls mode " + mode.name().toLowerCase(Locale.ROOT).replace('_', '-')
          + " needs a CA file");
    }
  }

  /** From the settings' spelling: disabled, required, verify-ca or verify-full. */
  public static MySqlTls of(String mode, String caFile) {
    try {
      return new MySqlTls(Mode.valueOf(mode.toUpperCase(Locale.ROOT).replace('-', '_')), caFile);
    } catch (IllegalArgumentException e) {
      if (e.getMessage().startsWith("No enum constant")) {
        throw new IllegalArgumentException("mysql tls mode must be disabled, required, verify-ca or verify-full, was '"
            + mode + "'");
      }
      throw e;
    }
  }

  /** Sets the client's SSL mode and trust on {@code options}; returns them. */
  MySQLConnectOptions applyTo(MySQLConnectOptions options) {
    return switch (mode) {
      case DISABLED -> options.setSslMode(SslMode.DISABLED);
      case REQUIRED -> options.setSslMode(SslMode.REQUIRED).setSslOptions(new ClientSSLOptions().setTrustAll(true));
      case VERIFY_CA -> options.setSslMode(SslMode.VERIFY_CA).setSslOptions(trusted().setHostnameVerificationAlgorithm(""));
      case VERIFY_FULL -> options.setSslMode(SslMode.VERIFY_IDENTITY)
          .setSslOptions(trusted().setHostnameVerificationAlgorithm("HTTPS"));
    };
  }

  private ClientSSLOptions trusted() {
    return new ClientSSLOptions().setTrustOptions(new PemTrustOptions().addCertPath(caFile));
  }
}
