package io.shardgate.dist;

import io.shardgate.cachenode.CacheNodeVerticle;
import io.shardgate.cluster.config.Settings;
import io.shardgate.cluster.ids.IdAllocator;
import io.shardgate.cluster.membership.Registry;
import io.shardgate.cluster.runtime.ShardgateVertx;
import io.shardgate.cluster.security.MemberAuth;
import io.shardgate.cluster.security.RecordProof;
import io.shardgate.gateway.Gateway;
import io.shardgate.shardnode.ShardNodeVerticle;
import io.shardgate.shardnode.store.InMemoryRecordStore;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code dev}: the whole cluster in one JVM, with in-memory stores and an in-process registry
 * behind the same interfaces as cluster mode. Nothing to install; nothing survives the exit.
 */
final class DevMode {
  private DevMode() {}

  /** A certificate for the gateway and every node, from a throwaway CA made for this process. */
  static Map<String, MemberAuth> credentials(Settings.Shardgate config) {
    List<String> ids = new ArrayList<>(List.of(Roles.GATEWAY_ID));
    config.shardNodes().forEach(n -> ids.add(n.id()));
    config.cacheNodes().forEach(n -> ids.add(n.id()));
    return MemberAuth.throwaway(config.cluster().name(), ids);
  }

  /** @param members each process's internal-plane credentials, by id (see {@link #credentials}) */
  static Future<?> start(ShardgateVertx runtime, Settings.Shardgate config, Map<String, MemberAuth> members,
      RecordProof proofs) {
    Registry registry = Registry.inProcess();
    IdAllocator ids = IdAllocator.inProcess();
    List<Future<?>> nodes = new ArrayList<>();
    for (Settings.Node node : config.shardNodes()) {
      nodes.add(runtime.vertx().deployVerticle(
          new ShardNodeVerticle(config, node, registry, ids, InMemoryRecordStore::new, runtime.registry(),
              members.get(node.id()), proofs)));
    }
    for (Settings.Node node : config.cacheNodes()) {
      nodes.add(runtime.vertx().deployVerticle(new CacheNodeVerticle(config, node, registry, runtime.registry(), members.get(node.id()), proofs)));
    }
    return Future.all(nodes)
        .compose(v -> Gateway.deploy(runtime, config, registry, ids, members.get(Roles.GATEWAY_ID)))
        .onSuccess(v -> banner(config));
  }

  private static void banner(Settings.Shardgate config) {
    int port = config.gateway().port();
    String url = "http://127.0.0.1:" + port;
    System.out.println("""

        Shardgate dev mode is up: %s
          %d shard nodes (in memory), %d cache nodes, gateway with an in-process registry.
          DEV MODE KEEPS DATA IN MEMORY ONLY: everything is lost when this process exits.

          create:  curl -i -X POST %s/v1/expenses -H 'content-type: application/json' \\
                     -d '{"id":1,"name":"Ada","email":"ada@example.com","category":"travel","estimated_costs":"120","submit_date":"01-02-2026"}'
          read:    curl -i %s/v1/expenses/1
          members: curl -s -H 'authorization: Bearer %s' %s/admin/members
          metrics: curl -s %s/metrics
        Press Ctrl-C to stop.
        """.formatted(url, config.shardNodes().size(), config.cacheNodes().size(), url, url,
        config.gateway().adminToken(), url, url));
  }
}
