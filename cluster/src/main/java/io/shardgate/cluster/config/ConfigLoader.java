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
  private static final Pattern CACHED_COLLECTION = Pattern.compile("[a-z0-9_-]{1,64}");
  private static final Map<String, String> ENV = Map.of(
      "SHARDGATE_REDIS_URL", "redis.url",
      "SHARDGATE_MYSQL_HOST", "mysql.host",
      "SHARDGATE_MYSQL_PORT", "mysql.port",
      "SHARDGATE_MYSQL_USER", "mysql.user",
      "SHARDGATE_MYSQL_PASSWORD", "mysql.password",
      "SHARDGATE_ADMIN_TOKEN", "gateway.adminToken",
      "SHARDGATE_GATEWAY_INSTANCES", "gateway.instances");

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
    Settings.Cluster cluster = new Settings.Cluster(
        id(c, "name", "shardgate"),
        c.integer("slots", 1024, 1, 1 << 20),
        c.integer("replicationFactor", 2, 1, 16),
        oneOf(c, "placement", "rendezvous", List.of("rendezvous", "ring")),
        c.integer("ringVirtualNodes", 160, 1, 4096));
    ConfigReader rd = r.child("redis");
    Settings.Redis redis = new Settings.Redis(rd.string("url", "redis://127.0.0.1:6379"),
        rd.integer("poolSize", 8, 1, 256), rd.integer("maxWaiting", 256, 1, 100_000));
    ConfigReader l = r.child("lease");
    Settings.Lease lease = new Settings.Lease(l.number("ttlMs", 3000, 100, 600_000), l.number("renewMs", 1000, 20, 600_000));
    if (lease.renewMs() * 2 > lease.ttlMs()) {
      throw new ConfigException("config: lease.renewMs (" + lease.renewMs() + ") must be at most half of lease.ttlMs ("
          + lease.ttlMs() + ") so that one lost renewal does not lapse the lease");
    }
    Settings.Membership membership = new Settings.Membership(r.child("membership").number("resyncMs", 1000, 50, 600_000));
    ConfigReader rp = r.child("replication");
    Settings.Replication replication = new Settings.Replication(rp.number("pushTimeoutMs", 1000, 10, 60_000),
        rp.integer("catchUpBatch", 500, 1, 100_000), rp.integer("oplogRetentionPerSlot", 10_000, 1, 100_000_000),
        rp.number("trimIntervalMs", 5000, 100, 3_600_000), rp.number("drainMs", 1000, 0, 60_000),
        rp.integer("notPrimaryRetries", 20, 0, 100), rp.number("notPrimaryRetryDelayMs", 100, 1, 10_000));
    ConfigReader m = r.child("mysql");
    Settings.MySql mysql = new Settings.MySql(m.string("host", "127.0.0.1"), m.integer("port", 3306, 1, 65535),
        m.string("user", "shardgate"), m.string("password", "shardgate"), id(m, "databasePrefix", "shardgate_"),
        m.integer("poolSize", 8, 1, 256), m.integer("maxWaitQueue", 512, 1, 100_000));
    ConfigReader g = r.child("gateway");
    ConfigReader b = g.child("backend");
    Settings.Backend backend = new Settings.Backend(b.number("timeoutMs", 2000, 10, 600_000),
        b.number("connectTimeoutMs", 500, 10, 60_000), b.integer("poolSize", 32, 1, 4096),
        b.integer("maxWaitQueue", 256, 0, 1_000_000), b.integer("retryAfterSeconds", 1, 1, 3600));
    Settings.Gateway gateway = new Settings.Gateway(g.string("host", "0.0.0.0"), g.integer("port", 8080, 0, 65535),
        g.integer("instances", 0, 0, 256), g.string("adminToken", "dev-admin-token"),
        g.integer("maxBodyBytes", 65536, 256, 64 << 20), g.integer("maxHeaderBytes", 8192, 1024, 1 << 20),
        g.number("requestTimeoutMs", 5000, 10, 600_000), g.integer("idleTimeoutSeconds", 60, 1, 3600), backend);
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
    Settings.CacheStore cacheStore = new Settings.CacheStore(cs.number("maxBytes", 64L << 20, 1L << 16, 1L << 40),
        cs.integer("maxEntryBytes", 1 << 20, 1024, 64 << 20), cs.number("defaultTtlMs", 60_000, 1000, 86_400_000));
    if (cacheStore.maxEntryBytes() > cacheStore.maxBytes()) {
      throw new ConfigException("config: cacheStore.maxEntryBytes must not exceed cacheStore.maxBytes");
    }
    return new Settings.Shardgate(cluster, redis, lease, membership, replication, mysql, gateway, cacheStore, shards,
        caches, collections);
  }

  private static Settings.Node node(ConfigReader n) {
    return new Settings.Node(id(n, "id", null), n.string("host", "127.0.0.1"), n.integer("port", 0, 1, 65535),
        n.positive("weight", 1.0));
  }

  private static Settings.Collection collection(ConfigReader c) {
    String name = id(c, "name", null);
    String path = c.string("path", "/v1/" + name);
    if (!path.matches("(/[a-z0-9_-]+)+")) {
      throw new ConfigException("config: " + c.where("path") + " must look like /v1/name, got " + path);
    }
    JsonObject schema = c.object("schema");
    if (!"object".equals(schema.getValue("type")) || !(schema.getValue("properties") instanceof JsonObject)) {
      throw new ConfigException("config: " + c.where("schema") + " must be an object schema with properties");
    }
    JsonObject defaults = c.optionalObject("defaults");
    return new Settings.Collection(name, path, c.string("keyField", "id"), schema, defaults, collectionCache(c, name));
  }

  /**
   * The ttl must outlive any fill still in flight when a write's tombstone lands (a shard read of up to a
   * request timeout, then the fill), hence the one-second floor. Cache nodes accept the collection rule
   * of their URLs only, so a cached collection's name must follow it.
   */
  private static Settings.CollectionCache collectionCache(ConfigReader c, String name) {
    ConfigReader cache = c.child("cache");
    Settings.CollectionCache settings = new Settings.CollectionCache(
        cache.bool("enabled", Settings.CollectionCache.DEFAULT_ENABLED),
        cache.number("ttlMs", Settings.CollectionCache.DEFAULT_TTL_MS, 1000, 86_400_000));
    if (settings.enabled() && !CACHED_COLLECTION.matcher(name).matches()) {
      throw new ConfigException("config: " + c.where("name") + " '" + name + "' cannot be cached: cache nodes accept "
          + "collection names matching " + CACHED_COLLECTION.pattern() + "; rename the collection or set "
          + cache.where("enabled") + " to false");
    }
    return settings;
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

  private static String oneOf(ConfigReader r, String key, String dflt, List<String> allowed) {
    String v = r.string(key, dflt);
    if (!allowed.contains(v)) {
      throw new ConfigException("config: " + r.where(key) + " must be one of " + allowed + ", got '" + v + "'");
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
