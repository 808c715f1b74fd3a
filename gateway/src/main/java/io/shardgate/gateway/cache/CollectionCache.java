package io.shardgate.gateway.cache;

import io.shardgate.cluster.config.Settings;
import io.shardgate.cluster.membership.MemberInfo;
import io.shardgate.cluster.routing.RoutingTable;
import io.shardgate.gateway.backend.BackendResponse;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import java.util.function.Supplier;

/**
 * The look-aside cache path of one collection in one gateway verticle (DESIGN §5). A read asks the
 * record's cache node first; on a miss it reads the shard (one read per record per process at a time),
 * answers, then fills the cache with the record's version. A write, once acknowledged, invalidates the
 * cached copy with a tombstone at the new version, which refuses any slower fill of an older one. A
 * cache node that fails or is slow is bypassed: the cache never fails a request.
 */
public final class CollectionCache {
  private final String collection;
  private final Settings.CollectionCache settings;
  private final RoutingTable routing;
  private final CacheClient client;
  private final ReadCoalescer coalescer;
  private final WriteFence fence;
  private final CacheMetrics metrics;

  CollectionCache(Settings.Collection collection, RoutingTable routing, CacheClient client, ReadCoalescer coalescer,
      WriteFence fence, CacheMetrics metrics) {
    this.collection = collection.name();
    this.settings = collection.cache();
    this.routing = routing;
    this.client = client;
    this.coalescer = coalescer;
    this.fence = fence;
    this.metrics = metrics;
  }

  /**
   * Reads the record through the cache. {@code shardRead} reads it from its shard replicas and fails
   * when none answers; {@code caller} is the request's context, where the returned future completes.
   */
  public Future<CacheRead> read(Context caller, String key, Supplier<Future<BackendResponse>> shardRead) {
    if (!settings.enabled()) {
      metrics.bypass("disabled");
      return shardRead.get().map(r -> new CacheRead(r, CacheRead.Status.BYPASS));
    }
    MemberInfo node = CachePlacement.choose(routing.current().view(), collection, key);
    if (node == null) {
      return bypass(caller, key, shardRead, "no_cache_node");
    }
    return client.get(node, collection, key).transform(ar -> {
      if (ar.failed()) {
        return bypass(caller, key, shardRead, ar.cause() instanceof CacheUnavailable cu ? cu.reason() : "closed");
      }
      CacheClient.Entry entry = ar.result();
      if (entry == null) {
        metrics.miss();
        return miss(caller, node, key, shardRead);
      }
      if (!fence.allows(collection, key, entry.version())) {
        return bypass(caller, key, shardRead, "invalidating");
      }
      metrics.hit();
      return Future.succeededFuture(new CacheRead(hit(node, entry), CacheRead.Status.HIT));
    });
  }

  /**
   * The shard acknowledged a write of the record (its response carries the new version). Call before
   * answering the client: from then on this process serves nothing older, and the invalidation goes
   * out once the answer has been written.
   */
  public void written(Context caller, String key, BackendResponse acknowledged) {
    if (!settings.enabled()) {
      return;
    }
    coalescer.forget(collection, key);
    Long version = Versions.of(acknowledged);
    if (version == null) {
      metrics.invalidation(false);
      return;
    }
    fence.written(collection, key, version, settings.ttlMs());
    caller.runOnContext(v -> invalidate(key, version));
  }

  private Future<CacheRead> miss(Context caller, MemberInfo node, String key, Supplier<Future<BackendResponse>> shardRead) {
    ReadCoalescer.Joined read = join(caller, key, shardRead);
    if (read.leader()) {
      // Registered before the answer's own listener, and deferred, so the fill starts after the answer.
      read.response().onSuccess(resp -> caller.runOnContext(v -> fill(node, key, resp)));
    }
    return read.response().map(r -> new CacheRead(r, CacheRead.Status.MISS));
  }

  private Future<CacheRead> bypass(Context caller, String key, Supplier<Future<BackendResponse>> shardRead, String reason) {
    metrics.bypass(reason);
    return join(caller, key, shardRead).response().map(r -> new CacheRead(r, CacheRead.Status.BYPASS));
  }

  private ReadCoalescer.Joined join(Context caller, String key, Supplier<Future<BackendResponse>> shardRead) {
    ReadCoalescer.Joined read = coalescer.read(caller, collection, key, shardRead);
    if (!read.leader()) {
      metrics.coalesced();
    }
    return read;
  }

  /** Only a found record is cached; a 404 is not (a later create invalidates anyway). */
  private void fill(MemberInfo node, String key, BackendResponse resp) {
    Long version = resp.status() == 200 ? Versions.of(resp) : null;
    if (version != null) {
      client.fill(node, collection, key, version, settings.ttlMs(), resp.body()).onSuccess(metrics::fill);
    }
  }

  /** Sent to the node the record maps to now; a lost invalidation is bounded by the ttl (and the fence here). */
  private void invalidate(String key, long version) {
    MemberInfo node = CachePlacement.choose(routing.current().view(), collection, key);
    if (node == null) {
      metrics.invalidation(false);
      return;
    }
    client.invalidate(node, collection, key, version, settings.ttlMs()).onComplete(ar -> {
      if (ar.succeeded()) {
        fence.confirmed(collection, key, version);
      }
      metrics.invalidation(ar.succeeded());
    });
  }

  private static BackendResponse hit(MemberInfo node, CacheClient.Entry entry) {
    String version = Long.toString(entry.version());
    MultiMap headers = MultiMap.caseInsensitiveMultiMap()
        .set("etag", "\"" + version + "\"")
        .set("x-record-version", version)
        .set("x-served-by", node.id())
        .set("content-type", "application/json");
    return new BackendResponse(200, headers, entry.body());
  }
}
