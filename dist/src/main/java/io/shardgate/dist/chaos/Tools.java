package io.shardgate.dist.chaos;

import io.shardgate.cluster.config.Settings;
import io.shardgate.cluster.security.MemberCredentials;

/** How operator tools prove membership to the nodes: the {@code tools} certificate of the configuration. */
public final class Tools {
  public static final String ID = "tools";

  private Tools() {}

  /** The tools' credentials, or null when the cluster runs with --insecure (plain HTTP). */
  public static MemberCredentials credentials(Settings.Shardgate config) {
    Settings.Security s = config.security();
    if (s.insecure() || !s.hasFiles()) {
      return null;
    }
    return MemberCredentials.configured(s, ID);
  }
}
