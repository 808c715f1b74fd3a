package io.shardgate.dist;

import io.shardgate.cluster.config.ConfigException;
import io.shardgate.cluster.config.ConfigLoader;
import io.shardgate.cluster.config.Settings;
import io.shardgate.cluster.runtime.ShardgateVertx;
import io.shardgate.cluster.security.MemberAuth;
import io.shardgate.cluster.security.RecordProof;
import io.vertx.core.Future;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code java -jar shardgate.jar <command> [--config FILE] [--id ID] [--set path=value ...]}. */
public final class Main {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);
  static final String USAGE = """
      usage: java -jar shardgate.jar <command> [options]

      commands:
        dev          gateway + 3 shard nodes + 3 cache nodes in this JVM, in memory (no Redis or MySQL)
        gateway      the public HTTP API (needs Redis)
        shard-node   a shard node (needs Redis and MySQL/MariaDB); requires --id
        cache-node   a cache node (needs Redis); requires --id
        nodes        print "role id port" for every process of the configuration
        certs        write the cluster CA and a certificate per process of the configuration into --out DIR
                     (reusing a CA already there); cluster mode's internal plane needs them
        placement    read keys from stdin, print "key slot primary successor" for each (--collection C),
                     computed from the configured shard nodes
        chaos        kill -9 and restart shard nodes of a running scripts/cluster.sh cluster under load,
                     then report lost writes and compare replicas (--rounds N, default 3)

      options:
        --config FILE       configuration file (default: conf/shardgate.json if present, else the bundled one)
        --id ID             which shardNodes/cacheNodes entry of the configuration this process is
        --set path=value    override one setting, e.g. --set gateway.port=8081 (repeatable)
        --collection NAME   the collection whose keys placement prints
        --out DIR           where certs writes (certs also takes --id NAME, repeatable, for extra members)
        --insecure          cluster mode without internal authentication and with any admin token
                            (loopback experiments only: anyone who reaches a node can read and write it)
      environment: SHARDGATE_REDIS_URL, SHARDGATE_MYSQL_HOST/PORT/USER/PASSWORD, SHARDGATE_ADMIN_TOKEN,
                   SHARDGATE_ADMIN_TOKEN_FILE, SHARDGATE_INSECURE=true,
                   SHARDGATE_GATEWAY_INSTANCES (gateway verticles; 0 = one per event loop)
      """;

  private Main() {}

  public static void main(String[] args) {
    try {
      System.exit(run(args));
    } catch (ConfigException | IllegalArgumentException e) {
      System.err.println("shardgate: " + e.getMessage());
      System.exit(2);
    }
  }

  static int run(String[] args) {
    if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
      System.out.print(USAGE);
      return args.length == 0 ? 2 : 0;
    }
    String command = args[0];
    Path config = null;
    String id = null;
    String collection = null;
    Path out = null;
    List<String> ids = new ArrayList<>();
    List<String> sets = new ArrayList<>();
    int rounds = 3;
    for (int i = 1; i < args.length; i++) {
      String a = args[i];
      String value = i + 1 < args.length ? args[i + 1] : null;
      switch (a) {
        case "--config" -> config = Path.of(require(a, value));
        case "--id" -> {
          id = require(a, value);
          ids.add(id);
        }
        case "--out" -> out = Path.of(require(a, value));
        case "--insecure" -> {
          sets.add("security.insecure=true");
          i--;
        }
        case "--collection" -> collection = require(a, value);
        case "--set" -> sets.add(require(a, value));
        case "--rounds" -> rounds = Integer.parseInt(require(a, value));
        default -> throw new IllegalArgumentException("unknown option '" + a + "'\n" + USAGE);
      }
      i++;
    }
    if (config == null && Files.isRegularFile(Path.of(ConfigLoader.BUNDLED))) {
      config = Path.of(ConfigLoader.BUNDLED);
    }
    Settings.Shardgate settings = ConfigLoader.load(config, System.getenv(), sets);
    if (command.equals("nodes")) {
      System.out.println("gateway gateway " + settings.gateway().port());
      settings.shardNodes().forEach(n -> System.out.println("shard-node " + n.id() + " " + n.port()));
      settings.cacheNodes().forEach(n -> System.out.println("cache-node " + n.id() + " " + n.port()));
      return 0;
    }
    if (command.equals("certs")) {
      if (out == null) {
        throw new IllegalArgumentException("certs needs --out DIR");
      }
      try {
        return CertsCommand.run(settings, out, ids, System.out);
      } catch (java.io.IOException e) {
        System.err.println("shardgate: certs: " + e);
        return 1;
      }
    }
    if (command.equals("gateway") || command.equals("shard-node") || command.equals("cache-node")) {
      ClusterSafety.check(settings, command);
    }
    if (command.equals("placement")) {
      try {
        return PlacementCommand.run(settings, collection,
            new java.io.BufferedReader(new java.io.InputStreamReader(System.in, java.nio.charset.StandardCharsets.UTF_8)), System.out);
      } catch (java.io.IOException e) {
        System.err.println("shardgate: placement: cannot read keys: " + e.getMessage());
        return 1;
      }
    }
    if (command.equals("chaos")) {
      try {
        return io.shardgate.dist.chaos.Chaos.run(settings, rounds, 2 * settings.lease().ttlMs(), 3 * settings.lease().ttlMs());
      } catch (Exception e) {
        System.err.println("shardgate: chaos failed: " + e);
        return 1;
      }
    }
    String nodeId = switch (command) {
      case "dev" -> null;
      case "gateway" -> Roles.GATEWAY_ID;
      case "shard-node", "cache-node" -> requireId(id, command);
      default -> throw new IllegalArgumentException("unknown command '" + command + "'\n" + USAGE);
    };
    // Credentials are read (or, in dev mode, made) and TLS warmed up here on the main thread, where
    // blocking is fine, before any event loop needs them.
    Map<String, MemberAuth> dev = command.equals("dev") ? DevMode.credentials(settings) : Map.of();
    MemberAuth auth = command.equals("dev") ? dev.get(Roles.GATEWAY_ID) : MemberAuth.configured(settings.security(), nodeId);
    auth.warmUp();
    // Shard and cache nodes prove record versions to cache nodes; gateways only pass proofs along.
    RecordProof proofs = command.equals("dev") ? RecordProof.random()
        : command.equals("gateway") ? RecordProof.none() : RecordProof.configured(settings.security());
    ShardgateVertx runtime = ShardgateVertx.create();
    Future<?> started = runtime.warmUp().compose(v -> {
      Future<?> deployed = switch (command) {
        case "dev" -> DevMode.start(runtime, settings, dev, proofs);
        case "gateway" -> Roles.gateway(runtime, settings, auth);
        case "shard-node" -> Roles.shardNode(runtime, settings, nodeId, auth, proofs);
        default -> Roles.cacheNode(runtime, settings, nodeId, auth, proofs);
      };
      return deployed.mapEmpty();
    });
    Runtime.getRuntime().addShutdownHook(new Thread(() -> shutdown(runtime), "shardgate-shutdown"));
    try {
      started.await(120, TimeUnit.SECONDS);
    } catch (Exception e) {
      Throwable cause = e.getCause() != null && !(e instanceof java.util.concurrent.TimeoutException) ? e.getCause() : e;
      LOG.error("{} failed to start: {}", command, cause.toString());
      System.err.println("shardgate: " + command + " failed to start: " + cause.getMessage());
      runtime.vertx().close();
      return 1;
    }
    return waitForever();
  }

  private static int waitForever() {
    try {
      Thread.currentThread().join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  /**
   * SIGTERM / Ctrl-C: undeploy every verticle first, while the Redis and SQL clients are still open
   * (nodes give up their lease, drain, then close), then close Vert.x; bounded in time.
   */
  private static void shutdown(ShardgateVertx runtime) {
    LOG.info("shutting down");
    try {
      List<Future<Void>> undeployed = new ArrayList<>();
      for (String id : runtime.vertx().deploymentIDs()) {
        undeployed.add(runtime.vertx().undeploy(id));
      }
      Future.join(undeployed).await(15, TimeUnit.SECONDS);
      runtime.vertx().close().await(15, TimeUnit.SECONDS);
      LOG.info("stopped");
    } catch (Exception e) {
      LOG.warn("shutdown did not finish cleanly: {}", e.toString());
    }
  }

  private static String require(String option, String value) {
    if (value == null || value.startsWith("--")) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return value;
  }

  private static String requireId(String id, String command) {
    if (id == null) {
      throw new IllegalArgumentException(command + " needs --id (one of the ids in the configuration)");
    }
    return id;
  }
}
