package io.shardgate.dist;

import io.shardgate.cluster.config.ConfigException;
import io.shardgate.cluster.config.Settings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What cluster mode refuses to start with unless told {@code --insecure}: no admin token, or the one the
 * bundled configuration ships with (anyone who has read the README knows it). Internal credentials are
 * checked where they are loaded ({@code MemberAuth.configured}).
 */
final class ClusterSafety {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterSafety.class);
  static final String DEFAULT_ADMIN_TOKEN = Settings.Gateway.DEFAULTS.adminToken();

  private ClusterSafety() {}

  static void check(Settings.Shardgate config, String role) {
    if (config.security().insecure()) {
      LOG.warn("INSECURE: {} runs without internal authentication and accepts the default admin token; "
          + "anyone who reaches its ports can read and change data (never run this way across machines)", role);
      return;
    }
    String token = config.gateway().adminToken();
    if (role.equals("gateway") && (token == null || token.isBlank() || token.equals(DEFAULT_ADMIN_TOKEN))) {
      throw new ConfigException("cluster mode refuses " + (token == null || token.isBlank() ? "an empty admin token"
          : "the default admin token '" + DEFAULT_ADMIN_TOKEN + "'") + ": set gateway.adminTokenFile (or "
          + "SHARDGATE_ADMIN_TOKEN_FILE) to a file holding a secret token, or start with --insecure");
    }
  }
}
