package io.shardgate.dist;

import io.shardgate.cluster.security.ClusterCa;
import io.shardgate.cluster.security.MemberCredentials;
import io.shardgate.cluster.security.RecordProof;
import io.shardgate.dist.chaos.LoadDriver;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.mysqlclient.MySQLBuilder;
import io.vertx.mysqlclient.MySQLConnectOptions;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;

/**
 * Real Shardgate processes for integration tests: writes a configuration with free ports, a unique
 * cluster name and unique database names, starts {@code java -jar shardgate.jar <role>} processes with
 * a low blocked-thread threshold, and checks their logs for blocked event loops at the end.
 */
final class ProcessCluster implements AutoCloseable {
  static final Path JAR = Path.of(System.getProperty("shardgate.jar", "target/shardgate.jar"));
  private static final String BLOCKED_MS = System.getProperty("shardgate.blockedThreadMs", "200");
  private String blockedMs = BLOCKED_MS;

  final String clusterName = "it" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
  final String dbPrefix = "shardgate_" + clusterName + "_";
  final Path dir;
  final Path config;
  final int gatewayPort;
  final Map<String, Integer> shardPorts = new LinkedHashMap<>();
  final String adminToken = UUID.randomUUID().toString();
  private final Map<String, Process> processes = new LinkedHashMap<>();
  /** What the test calls the internal plane with: a member certificate of this cluster's CA. */
  final MemberCredentials member;
  private HttpClient http;
  private String gatewayScheme = "http";
  /** What "the gateway started" means: ready (every slot routable), or only live for a gateway without nodes. */
  private String gatewayHealth = "ready";

  final Map<String, Integer> cachePorts = new LinkedHashMap<>();

  ProcessCluster(Path dir, int shardNodes, JsonObject overrides) throws IOException {
    this(dir, shardNodes, 0, overrides);
  }

  ProcessCluster(Path dir, int shardNodes, int cacheNodes, JsonObject overrides) throws IOException {
    if (!Files.isRegularFile(JAR)) {
      throw new IllegalStateException(JAR.toAbsolutePath() + " is missing: run the tests with mvn verify");
    }
    this.dir = dir;
    this.gatewayPort = freePort();
    Path tls = dir.resolve("cluster-ca"); // the internal plane's CA and member certificates
    ClusterCa ca = ClusterCa.generate(clusterName, Duration.ofDays(1));
    JsonArray shards = new JsonArray();
    for (int i = 1; i <= shardNodes; i++) {
      int port = freePort();
      shardPorts.put("shard-" + i, port);
      shards.add(new JsonObject().put("id", "shard-" + i).put("host", "127.0.0.1").put("port", port).put("weight", 1));
    }
    JsonArray caches = new JsonArray();
    for (int i = 1; i <= cacheNodes; i++) {
      int port = freePort();
      cachePorts.put("cache-" + i, port);
      caches.add(new JsonObject().put("id", "cache-" + i).put("host", "127.0.0.1").put("port", port));
    }
    JsonObject conf = new JsonObject(Files.readString(Path.of("..", "conf", "shardgate.json")));
    conf.getJsonObject("cluster").put("name", clusterName);
    conf.put("lease", new JsonObject().put("ttlMs", 1500).put("renewMs", 300));
    conf.put("membership", new JsonObject().put("resyncMs", 250));
    conf.getJsonObject("mysql").put("databasePrefix", dbPrefix);
    conf.getJsonObject("gateway").put("port", gatewayPort).put("adminToken", adminToken).put("instances", 2);
    conf.put("shardNodes", shards).put("cacheNodes", caches);
    List<String> members = new ArrayList<>(List.of("gateway", "tools"));
    members.addAll(shardPorts.keySet());
    members.addAll(cachePorts.keySet());
    for (String id : members) {
      ca.issue(id, List.of("127.0.0.1"), Duration.ofDays(1)).write(tls, id);
    }
    this.member = ca.issue("test", List.of("127.0.0.1"), Duration.ofDays(1));
    this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2))
        .sslContext(member.sslContext()).build();
    Files.writeString(tls.resolve("record.key"), java.util.HexFormat.of().formatHex(RecordProof.newKey()));
    conf.put("security", new JsonObject().put("caFile", tls.resolve("ca.pem").toString())
        .put("certFile", tls.resolve("{id}.pem").toString()).put("keyFile", tls.resolve("{id}-key.pem").toString())
        .put("recordKeyFile", tls.resolve("record.key").toString()));
    conf.put("collections", new JsonArray().add(Path.of("..", "conf", "collections", "expenses.json").toAbsolutePath().toString()));
    conf.mergeIn(overrides, true);
    this.config = dir.resolve("shardgate.json");
    Files.writeString(config, conf.encodePrettily());
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** A looser blocked-thread threshold for suites that overload the machine on purpose. */
  ProcessCluster blockedThreadThresholdMs(long ms) {
    this.blockedMs = Long.toString(ms);
    return this;
  }

  /** The gateway speaks HTTPS (gateway.tls in the overrides); readiness checks trust this context's CAs. */
  ProcessCluster gatewayTls(javax.net.ssl.SSLContext trust) {
    this.gatewayScheme = "https";
    this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2))
        .sslContext(trust).build();
    return this;
  }

  /** For a gateway started without shard nodes: it is never ready (no slot is routable), only live. */
  ProcessCluster gatewayWithoutNodes() {
    this.gatewayHealth = "live";
    return this;
  }

  String gateway() {
    return gatewayScheme + "://127.0.0.1:" + gatewayPort;
  }

  /** A client for a shard or cache node's internal API at this address, calling as a cluster member. */
  Http node(String address) {
    return new Http("https://" + address, member.sslContext());
  }

  void startShard(String id) throws IOException {
    start(id, List.of("shard-node", "--config", config.toString(), "--id", id), shardPorts.get(id));
  }

  /** Starts several shard nodes at once (as scripts/cluster.sh up does), then waits for all of them. */
  void startShardsTogether(List<String> ids) throws IOException {
    for (String id : ids) {
      spawn(id, List.of("shard-node", "--config", config.toString(), "--id", id));
    }
    for (String id : ids) {
      awaitReady(id, shardPorts.get(id));
    }
  }

  void startGateway() throws IOException {
    spawn("gateway", List.of("gateway", "--config", config.toString()));
    awaitReady("gateway", gateway());
  }

  void startAll() throws IOException {
    for (String id : shardPorts.keySet()) {
      startShard(id);
    }
    for (String id : cachePorts.keySet()) {
      start(id, List.of("cache-node", "--config", config.toString(), "--id", id), cachePorts.get(id));
    }
    startGateway();
  }

  private void start(String name, List<String> args, int port) throws IOException {
    spawn(name, args);
    awaitReady(name, port);
  }

  /** A shard or cache node: its internal listener speaks TLS (health needs no client certificate). */
  private void awaitReady(String name, int port) {
    awaitReady(name, "https://127.0.0.1:" + port);
  }

  private void spawn(String name, List<String> args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(javaBin(), "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-Dshardgate.blockedThreadMs=" + blockedMs, "-jar", JAR.toString()));
    cmd.addAll(args);
    Path log = dir.resolve(name + ".log");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
    processes.put(name, p);
  }

  private void awaitReady(String name, String base) {
    Process p = processes.get(name);
    Path log = dir.resolve(name + ".log");
    awaitCondition(Duration.ofSeconds(60), name + " ready at " + base + " (log: " + log + ")", () -> {
      if (!p.isAlive()) {
        throw new IllegalStateException(name + " exited with " + p.exitValue() + ":\n" + tail(log));
      }
      return status(base + "/health/" + (name.equals("gateway") ? gatewayHealth : "ready")) == 200;
    });
  }

  /** SIGTERM, as an operator's rolling restart does; waits for the process to exit. */
  void terminate(String name) throws InterruptedException {
    Process p = processes.remove(name);
    p.destroy();
    if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(name + " did not exit within 30 s of SIGTERM");
    }
  }

  /** SIGKILL: no lease release, no goodbye. */
  void kill(String name) throws InterruptedException {
    Process p = processes.remove(name);
    p.destroyForcibly();
    p.waitFor();
  }

  /**
   * Stops every process, fails if any of them logged a blocked event loop, then removes the cluster's
   * databases and Redis keys.
   */
  void shutDownAndCheck() throws IOException {
    close();
    List<String> blocked = blockedThreadWarnings();
    dropDatabases();
    deleteRedisKeys();
    if (!blocked.isEmpty()) {
      throw new AssertionError("event loops blocked in a process:\n" + String.join("\n", blocked));
    }
  }

  /** Drops the databases of this cluster's shard nodes. */
  void dropDatabases() {
    Vertx vertx = Vertx.vertx();
    try {
      Pool pool = pool(vertx, null);
      for (String node : shardPorts.keySet()) {
        pool.query("DROP DATABASE IF EXISTS `" + database(node) + "`").execute().await();
      }
      pool.close().await();
    } finally {
      vertx.close().await();
    }
  }

  /** Deletes this cluster's keys from Redis. */
  void deleteRedisKeys() {
    Vertx vertx = Vertx.vertx();
    try {
      RedisAPI redis = RedisAPI.api(Redis.createClient(vertx, "redis://127.0.0.1:6379"));
      var keys = redis.keys("shardgate:" + clusterName + ":*").await();
      if (keys.size() > 0) {
        redis.del(keys.stream().map(Object::toString).toList()).await();
      }
      redis.close();
    } finally {
      vertx.close().await();
    }
  }

  String database(String node) {
    return dbPrefix + node.replace('-', '_');
  }

  /** A pool on a node's database (or the server when database is null) as the application user. */
  static Pool pool(Vertx vertx, String database) {
    MySQLConnectOptions connect = new MySQLConnectOptions().setHost("127.0.0.1").setPort(3306)
        .setUser(System.getenv().getOrDefault("SHARDGATE_MYSQL_USER", "shardgate"))
        .setPassword(System.getenv().getOrDefault("SHARDGATE_MYSQL_PASSWORD", "shardgate"));
    if (database != null) {
      connect.setDatabase(database);
    }
    return MySQLBuilder.pool().with(new PoolOptions().setMaxSize(1).setName("it-" + database)).connectingTo(connect)
        .using(vertx).build();
  }

  /** The gateway's view of the members, or null while it does not answer. */
  JsonArray members() {
    var r = new Http(gateway()).get("/admin/members", "authorization", "Bearer " + adminToken);
    return r.statusCode() == 200 ? new JsonObject(r.body()).getJsonArray("members") : null;
  }

  /** Whether the gateway sees this member's lease. */
  boolean isLive(String node) {
    JsonArray members = members();
    for (int i = 0; members != null && i < members.size(); i++) {
      if (members.getJsonObject(i).getString("id").equals(node)) {
        return members.getJsonObject(i).getBoolean("live");
      }
    }
    return false;
  }

  /** Shard nodes whose lease the gateway sees (-1 while it does not answer). */
  int liveShards() {
    JsonArray members = members();
    if (members == null) {
      return -1;
    }
    int live = 0;
    for (int i = 0; i < members.size(); i++) {
      JsonObject m = members.getJsonObject(i);
      if ("shard".equals(m.getString("role")) && m.getBoolean("live")) {
        live++;
      }
    }
    return live;
  }

  /** The gateway's placement of an expense: slot, replicas with liveness, the node serving reads. */
  JsonObject placement(String key) {
    return new JsonObject(new Http(gateway()).get("/admin/placement?collection=expenses&key=" + key,
        "authorization", "Bearer " + adminToken).body());
  }

  /** Sends a signal (STOP, CONT) to a running process. */
  void signal(String name, String signal) throws IOException, InterruptedException {
    long pid = processes.get(name).pid();
    int rc = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start().waitFor();
    if (rc != 0) {
      throw new IllegalStateException("kill -" + signal + " " + pid + " failed");
    }
  }

  Path log(String name) {
    return dir.resolve(name + ".log");
  }

  int status(String url) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** Waits until the load has had {@code writes} more writes acknowledged (progress, not time). */
  static void awaitProgress(LoadDriver load, long writes, Duration within, String what) {
    long target = load.acknowledged() + writes;
    awaitCondition(within, writes + " " + what, () -> load.acknowledged() >= target);
  }

  /** Polls a condition until it holds or the deadline passes; waits for a state, not for time. */
  static void awaitCondition(Duration timeout, String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout + " waiting for " + what);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what);
      }
    }
  }

  private final List<String[]> excused = new ArrayList<>();

  /**
   * Runs a deliberate freeze (SIGSTOP … SIGCONT) of one process: the blocked-thread checker then counts
   * the frozen time as blocking, so lines that process logs during the action are not held against it.
   */
  void frozen(String name, Callable<?> action) throws Exception {
    Path log = log(name);
    long from = Files.readAllLines(log).size();
    try {
      action.call();
    } finally {
      excused.add(new String[] {log.getFileName().toString(), Long.toString(from), Long.toString(Files.readAllLines(log).size())});
    }
  }

  /** Lines in every process log showing an event loop blocked past the threshold. */
  List<String> blockedThreadWarnings() throws IOException {
    List<String> hits = new ArrayList<>();
    try (var files = Files.list(dir)) {
      for (Path log : files.filter(f -> f.toString().endsWith(".log")).toList()) {
        List<String> lines = Files.readAllLines(log);
        for (int i = 0; i < lines.size(); i++) {
          if (lines.get(i).contains("has been blocked for") && !isExcused(log.getFileName().toString(), i)) {
            hits.add(log.getFileName() + ": " + lines.get(i));
          }
        }
      }
    }
    return hits;
  }

  private boolean isExcused(String file, int line) {
    for (String[] e : excused) {
      if (e[0].equals(file) && line >= Long.parseLong(e[1]) && line < Long.parseLong(e[2])) {
        return true;
      }
    }
    return false;
  }

  static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  private static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  @Override
  public void close() {
    processes.values().forEach(Process::destroy);
    for (Process p : processes.values()) {
      try {
        if (!p.waitFor(15, java.util.concurrent.TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    processes.clear();
  }
}
