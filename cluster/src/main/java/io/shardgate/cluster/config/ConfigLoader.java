package io.shardgate.cluster.config;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import io.shardgate.cluster.protocol.Names;
import java.util.regex.Pattern;

/**
 * Reads the configuration once at start: a JSON file (or the copy bundled in the jar), then
 * environment overrides, then {@code --set path=value} overrides, then validation into records.
 * Runs on the main thread before Vert.x starts, so plain blocking file reads are fine here.
 */
public final class ConfigLoader {
  /** Where the jar carries its default configuration. */
  public static final String BUNDLED = "conf/shardgate.json";

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");
  private static final Map<String, String> ENV = Map.ofEntries(
      Map.entry("SHARDGATE_REDIS_URL", "redis.url"),
      Map.entry("SHARDGATE_REDIS_USER", "redis.user"),
      Map.entry("SHARDGATE_REDIS_PASSWORD", "redis.password"),
      Map.entry("SHARDGATE_MYSQL_HOST", "mysql.host"),
      Map.entry("SHARDGATE_MYSQL_PORT", "mysql.port"),
      Map.entry("SHARDGATE_MYSQL_USER", "mysql.user"),
      Map.entry("SHARDGATE_MYSQL_PASSWORD", "mysql.password"),
      Map.entry("SHARDGATE_ADMIN_TOKEN", "gateway.adminToken"),
      Map.entry("SHARDGATE_ADMIN_TOKEN_FILE", "gateway.adminTokenFile"),
      Map.entry("SHARDGATE_INSECURE", "security.insecure"),
      Map.entry("SHARDGATE_GATEWAY_INSTANCES", "gateway.instances"));

  private ConfigLoader() {}

  /** Loads {@code file}, or the bundled configuration when file is null. */
  public static Settings.Shardgate load(Path file, Map<String, String> env, List<String> sets) {
    JsonObject raw = file == null ? readBundled(BUNDLED) : readFile(file);
    ENV.forEach((var, path) -> {
      String v = env.get(var);
      if (v != null && !v.isEmpty()) {
        set(raw, path, v);
      }
    });
    for (String s : sets) {
      int eq = s.indexOf('=');
      if (eq <= 0) {
        throw new ConfigException("--set expects path=value, got '" + s + "'");
      }
      set(raw, s.substring(0, eq), s.substring(eq + 1));
    }
    Path base = file == null ? null : file.toAbsolutePath().getParent();
    return parse(raw, ref -> Path.of(ref).isAbsolute() ? readFile(Path.of(ref))
        : base == null ? readBundled("conf/" + ref) : readFile(base.resolve(ref)));
  }

  /** Sets a dotted path; the value is parsed as JSON when it is valid JSON (numbers, booleans), else kept as text. */
  static void set(JsonObject root, String dotted, String value) {
    String[] parts = dotted.split("\\.");
    JsonObject at = root;
    for (int i = 0; i < parts.length - 1; i++) {
      Object next = at.getValue(parts[i]);
      if (!(next instanceof JsonObject)) {
        next = new JsonObject();
        at.put(parts[i], next);
      }
      at = (JsonObject) next;
    }
    Object parsed;
    try {
      parsed = Json.decodeValue(value);
    } catch (DecodeException e) {
      parsed = value;
    }
    at.put(parts[parts.length - 1], parsed);
  }

  static Settings.Shardgate parse(JsonObject raw, java.util.function.Function<String, JsonObject> collectionFiles) {
    ConfigReader r = new ConfigReader(raw, "");
    ConfigReader c = r.child("cluster");
    Settings.Cluster dc = Settings.Cluster.DEFAULTS;
    Settings.Cluster cluster = new Settings.Cluster(id(c, "name", dc.name()), c.integer("slots", dc.slots()),
        c.integer("replicationFactor", dc.replicationFactor()), c.string("placement", dc.placement()),
        c.integer("ringVirtualNodes", dc.ringVirtualNodes()));
    Settings.Redis redis = redis(r.child("redis"));
    ConfigReader l = r.child("lease");
    Settings.Lease lease = new Settings.Lease(l.number("ttlMs", Settings.Lease.DEFAULTS.ttlMs()),
        l.number("renewMs", Settings.Lease.DEFAULTS.renewMs()));
    Settings.Membership membership = new Settings.Membership(
        r.child("membership").number("resyncMs", Settings.Membership.DEFAULTS.resyncMs()));
    ConfigReader rp = r.child("replication");
    Settings.Replication dp = Settings.Replication.DEFAULTS;
    Settings.Replication replication = new Settings.Replication(rp.number("pushTimeoutMs", dp.pushTimeoutMs()),
        rp.integer("catchUpBatch", dp.catchUpBatch()), rp.integer("oplogRetentionPerSlot", dp.oplogRetentionPerSlot()),
        rp.number("trimIntervalMs", dp.trimIntervalMs()), rp.number("drainMs", dp.drainMs()),
        rp.integer("notPrimaryRetries", dp.notPrimaryRetries()),
        rp.number("notPrimaryRetryDelayMs", dp.notPrimaryRetryDelayMs()), rp.integer("peerPoolSize", dp.peerPoolSize()),
        rp.integer("peerMaxWaitQueue", dp.peerMaxWaitQueue()), rp.number("bulkTimeoutMs", dp.bulkTimeoutMs()),
        rp.integer("catchUpParallelism", dp.catchUpParallelism()));
    ConfigReader m = r.child("mysql");
    Settings.MySql dm = Settings.MySql.DEFAULTS;
    Settings.MySql mysql = new Settings.MySql(m.string("host", dm.host()), m.integer("port", dm.port()),
        m.string("user", dm.user()), m.string("password", dm.password()), id(m, "databasePrefix", dm.databasePrefix()),
        m.integer("poolSize", dm.poolSize()), m.integer("maxWaitQueue", dm.maxWaitQueue()), mysqlTls(m.child("tls")));
    ConfigReader sn = r.child("shardNode");
    Settings.ShardNode dn = Settings.ShardNode.DEFAULTS;
    int maxRecord = sn.integer("maxRecordBodyBytes", dn.maxRecordBodyBytes());
    // Unless given, the largest pushed entry follows the largest record (see Settings.ShardNode).
    Settings.ShardNode shardNode = new Settings.ShardNode(maxRecord,
        sn.integer("maxReplicationBodyBytes", Settings.ShardNode.entryBytesFor(maxRecord)));
    ConfigReader g = r.child("gateway");
    ConfigReader b = g.child("backend");
    Settings.Backend db = Settings.Backend.DEFAULTS;
    Settings.Backend backend = new Settings.Backend(b.number("timeoutMs", db.timeoutMs()),
        b.number("connectTimeoutMs", db.connectTimeoutMs()), b.integer("poolSize", db.poolSize()),
        b.integer("maxWaitQueue", db.maxWaitQueue()), b.integer("retryAfterSeconds", db.retryAfterSeconds()));
    Settings.Gateway dg = Settings.Gateway.DEFAULTS;
    Settings.Gateway gateway = new Settings.Gateway(g.string("host", dg.host()), g.integer("port", dg.port()),
        g.integer("instances", dg.instances()), adminToken(g, dg.adminToken()),
        g.integer("maxBodyBytes", dg.maxBodyBytes()), g.integer("maxHeaderBytes", dg.maxHeaderBytes()),
        g.number("requestTimeoutMs", dg.requestTimeoutMs()), listener(g, Settings.Listener.GATEWAY_DEFAULTS), backend,
        serverTls(g.child("tls")));
    List<Settings.Node> shards = r.list("shardNodes", ConfigLoader::node);
    List<Settings.Node> caches = r.list("cacheNodes", ConfigLoader::node);
    unique(shards, caches);
    List<Settings.Collection> collections = r.strings("collections").stream()
        .map(ref -> collection(new ConfigReader(collectionFiles.apply(ref), "collections[" + ref + "]")))
        .toList();
    if (collections.stream().map(Settings.Collection::name).distinct().count() != collections.size()) {
      throw new ConfigException("config: collections must have distinct names");
    }
    ConfigReader cs = r.child("cacheStore");
    Settings.CacheStore ds = Settings.CacheStore.DEFAULTS;
    Settings.CacheStore cacheStore = new Settings.CacheStore(cs.number("maxBytes", ds.maxBytes()),
        cs.integer("maxEntryBytes", ds.maxEntryBytes()), cs.number("defaultTtlMs", ds.defaultTtlMs()));
    ConfigReader sec = r.child("security");
    Settings.Security security = new Settings.Security(sec.bool("insecure", Settings.Security.DEFAULTS.insecure()),
        sec.optionalString("caFile"), sec.optionalString("certFile"), sec.optionalString("keyFile"),
        sec.optionalString("recordKeyFile"));
    return new Settings.Shardgate(cluster, redis, lease, membership, replication, mysql, shardNode, gateway, cacheStore,
        shards, caches, collections, security, listener(r.child("nodeListener"), Settings.Listener.NODE_DEFAULTS));
  }

  /**
   * The admin token, from {@code adminToken} or read from {@code adminTokenFile} (trimmed), so that it
   * need not sit in a configuration file or a process listing.
   */
  private static String adminToken(ConfigReader g, String dflt) {
    String file = g.optionalString("adminTokenFile");
    return file == null ? g.string("adminToken", dflt) : PemFiles.secret(g.where("adminTokenFile"), file);
  }

  /** Credentials come from redis.password or redis.passwordFile (one of them), never from both. */
  private static Settings.Redis redis(ConfigReader rd) {
    Settings.Redis dr = Settings.Redis.DEFAULTS;
    String password = rd.optionalString("password");
    String passwordFile = rd.optionalString("passwordFile");
    if (password != null && passwordFile != null) {
      throw new ConfigException("config: " + rd.where("password") + " and " + rd.where("passwordFile")
          + " are both set: give one");
    }
    if (passwordFile != null) {
      password = PemFiles.secret(rd.where("passwordFile"), passwordFile);
    }
    ConfigReader tls = rd.child("tls");
    String caFile = tls.optionalString("caFile");
    return new Settings.Redis(rd.string("url", dr.url()), rd.integer("poolSize", dr.poolSize()),
        rd.integer("maxWaiting", dr.maxWaiting()), rd.optionalString("user"), password,
        caFile == null ? null : PemFiles.certificates(tls.where("caFile"), caFile));
  }

  private static Settings.MySqlTls mysqlTls(ConfigReader tls) {
    String caFile = tls.optionalString("caFile");
    return new Settings.MySqlTls(tls.string("mode", Settings.MySqlTls.DISABLED.mode()),
        caFile == null ? null : PemFiles.certificates(tls.where("caFile"), caFile));
  }

  private static Settings.Listener listener(ConfigReader l, Settings.Listener d) {
    return new Settings.Listener(d.name(), l.integer("idleTimeoutSeconds", d.idleTimeoutSeconds()),
        l.number("headerTimeoutMs", d.headerTimeoutMs()), l.integer("maxConnections", d.maxConnections()));
  }

  private static Settings.ServerTls serverTls(ConfigReader tls) {
    if (!tls.bool("enabled", false)) {
      return Settings.ServerTls.OFF;
    }
    return new Settings.ServerTls(true, PemFiles.certificates(tls.where("certFile"), tls.string("certFile", null)),
        PemFiles.privateKey(tls.where("keyFile"), tls.string("keyFile", null)));
  }

  private static Settings.Node node(ConfigReader n) {
    String host = n.string("host", "127.0.0.1");
    return new Settings.Node(id(n, "id", null), host, n.integer("port", 0), n.positive("weight", 1.0),
        n.string("listenHost", host));
  }

  private static Settings.Collection collection(ConfigReader c) {
    String name = c.string("name", null);
    if (!Names.isCollection(name)) {
      throw new ConfigException("config: " + c.where("name") + " must be " + Names.COLLECTION_RULE + ", got '" + name + "'");
    }
    String path = c.string("path", "/v1/" + name);
    if (!path.matches("(/[a-z0-9_-]+)+")) {
      throw new ConfigException("config: " + c.where("path") + " must look like /v1/name, got " + path);
    }
    JsonObject schema = c.object("schema");
    if (!"object".equals(schema.getValue("type")) || !(schema.getValue("properties") instanceof JsonObject)) {
      throw new ConfigException("config: " + c.where("schema") + " must be an object schema with properties");
    }
    SchemaPatterns.check(c.where("schema"), name, schema);
    JsonObject defaults = c.optionalObject("defaults");
    return new Settings.Collection(name, path, c.string("keyField", "id"), schema, defaults, collectionCache(c, name));
  }

  /**
   * The ttl must outlive any fill still in flight when a write's tombstone lands (a shard read of up to a
   * request timeout, then the fill), hence the one-second floor.
   */
  private static Settings.CollectionCache collectionCache(ConfigReader c, String name) {
    ConfigReader cache = c.child("cache");
    try {
      return new Settings.CollectionCache(cache.bool("enabled", Settings.CollectionCache.DEFAULT_ENABLED),
          cache.number("ttlMs", Settings.CollectionCache.DEFAULT_TTL_MS));
    } catch (ConfigException e) {
      throw new ConfigException(e.getMessage().replace("cache.ttlMs", cache.where("ttlMs")));
    }
  }

  private static void unique(List<Settings.Node> a, List<Settings.Node> b) {
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (Settings.Node n : java.util.stream.Stream.concat(a.stream(), b.stream()).toList()) {
      if (!seen.add(n.id())) {
        throw new ConfigException("config: node id '" + n.id() + "' is used twice");
      }
    }
  }

  private static String id(ConfigReader r, String key, String dflt) {
    String v = r.string(key, dflt);
    if (!ID.matcher(v).matches()) {
      throw new ConfigException("config: " + r.where(key) + " must match " + ID.pattern() + ", got '" + v + "'");
    }
    return v;
  }

  private static JsonObject readFile(Path file) {
    try {
      return decode(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    } catch (IOException e) {
      throw new ConfigException("config: cannot read " + file.toAbsolutePath() + ": " + e.getMessage());
    }
  }

  private static JsonObject readBundled(String resource) {
    try (InputStream in = ConfigLoader.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new ConfigException("config: no bundled " + resource + " in the jar; pass --config FILE");
      }
      return decode(new String(in.readAllBytes(), StandardCharsets.UTF_8), "bundled " + resource);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonObject decode(String text, String where) {
    try {
      return new JsonObject(text);
    } catch (DecodeException e) {
      throw new ConfigException("config: " + where + " is not valid JSON: " + e.getMessage());
    }
  }
}
