package io.shardgate.cluster.security;

import io.micrometer.core.instrument.MeterRegistry;
import io.shardgate.cluster.config.ConfigException;
import io.shardgate.cluster.config.Settings;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How the internal plane (gateway to shard and cache nodes, node to node, tools to nodes) proves cluster
 * membership. {@link #mutualTls} is the real thing: every internal listener speaks TLS, every internal
 * client presents a certificate of the cluster CA, and a request from anyone else gets 401.
 * {@link #none} is for {@code --insecure} runs only: plain HTTP, no proof asked. docs/security.md
 * explains the choice of mutual TLS over request signatures.
 */
public interface MemberAuth {

  static MemberAuth mutualTls(MemberCredentials credentials) {
    return new MutualTls(credentials);
  }

  static MemberAuth none() {
    return Insecure.INSTANCE;
  }

  /**
   * What a cluster-mode process of this id uses: mutual TLS with the configured files, or none when the
   * configuration says insecure. Fails at start, with what to do, when the files are missing or wrong.
   */
  static MemberAuth configured(Settings.Security security, String processId) {
    if (security.insecure()) {
      return none();
    }
    if (!security.hasFiles()) {
      throw new ConfigException("cluster mode authenticates every internal call with the cluster CA: set security.caFile, "
          + "security.certFile and security.keyFile (scripts/cluster.sh writes them under run/tls; "
          + "`java -jar shardgate.jar certs --out DIR` makes them), or start with --insecure to run without "
          + "(loopback experiments only, see docs/security.md)");
    }
    return mutualTls(MemberCredentials.configured(security, processId));
  }

  /**
   * Dev mode: a throwaway cluster CA in memory, valid for a day, and a certificate of it for each of
   * these members (every in-process node and the gateway), so that the internal plane works as in
   * cluster mode, member names included.
   */
  static Map<String, MemberAuth> throwaway(String clusterName, List<String> memberIds) {
    Duration day = Duration.ofDays(1);
    ClusterCa ca = ClusterCa.generate(clusterName, day);
    Map<String, MemberAuth> members = new LinkedHashMap<>();
    for (String id : memberIds) {
      members.put(id, mutualTls(ca.issue(id, List.of("127.0.0.1", "localhost"), day)));
    }
    return members;
  }

  /**
   * Loads and initialises what the first handshake needs, on the calling (main) thread, so that event
   * loops do not pay for it; call before deploying verticles.
   */
  default void warmUp() {}

  /** These internal listener options, made to ask every caller for a member certificate. */
  HttpServerOptions secure(HttpServerOptions options);

  /** These internal client options, made to present this member's certificate and trust only the cluster CA. */
  HttpClientOptions secure(HttpClientOptions options);

  /**
   * The first handler of an internal router: lets members through, answers anyone else 401 with a
   * problem body before their request is read, and counts it in
   * {@code shardgate_internal_auth_rejected_total{node, reason}}. Health and metrics stay open.
   */
  Handler<RoutingContext> guard(MeterRegistry meters, String node);

  /** The member a request came from (after the guard), for logs; null when unknown. */
  static String caller(RoutingContext ctx) {
    return ctx.get(MemberGuard.CALLER);
  }

  /** Plain HTTP, every caller accepted: the behaviour before internal authentication existed. */
  enum Insecure implements MemberAuth {
    INSTANCE;

    @Override
    public HttpServerOptions secure(HttpServerOptions options) {
      return options;
    }

    @Override
    public HttpClientOptions secure(HttpClientOptions options) {
      return options;
    }

    @Override
    public Handler<RoutingContext> guard(MeterRegistry meters, String node) {
      return RoutingContext::next;
    }
  }
}
