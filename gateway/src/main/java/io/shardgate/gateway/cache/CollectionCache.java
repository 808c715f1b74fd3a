package io.shardgate.gateway.cache;

import io.shardgate.cluster.config.Settings;
import io.shardgate.cluster.membership.MemberInfo;
import io.shardgate.cluster.protocol.Headers;
import io.shardgate.cluster.protocol.RecordVersions;
import io.shardgate.cluster.routing.RoutingTable;
import io.shardgate.gateway.backend.BackendResponse;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.function.Supplier;

/**
 * The look-aside cache path of one collection in one gateway verticle (DESIGN §5). A read asks the
 * record's cache node first; on a miss it reads the shard (one read per record per process at a time),
 * answers, then fills the cache with the record's version. A write, once acknowledged, is written
 * through at its new version (a delete leaves a tombstone), which refuses any slower fill of an older one. A
 * cache node that fails or is slow is bypassed: the cache never fails a request. So is the cache when
 * the client asks for it ({@link #readPastCache}).
 */
public final class CollectionCache {
  private final String collection;
  private final Settings.CollectionCache settings;
  private final RoutingTable routing;
  private final CacheClient client;
  private final ReadCoalescer<BackendResponse> coalescer;
  private final WriteFence fence;
  private final ReadCoalescer<Lookup> lookups;
  private final CacheMetrics metrics;

  CollectionCache(Settings.Collection collection, RoutingTable routing, CacheClient client, ReadCoalescer<BackendResponse> coalescer,
      WriteFence fence, ReadCoalescer<Lookup> lookups, CacheMetrics metrics) {
    this.collection = collection.name();
    this.settings = collection.cache();
    this.routing = routing;
    this.client = client;
    this.coalescer = coalescer;
    this.fence = fence;
    this.lookups = lookups;
    this.metrics = metrics;
  }

  /**
   * Reads the record through the cache. {@code shardRead} reads it from its shard replicas and fails
   * when none answers; {@code caller} is the request's context, where the returned future completes.
   */
  public Future<CacheRead> read(Context caller, String key, Supplier<Future<BackendResponse>> shardRead) {
    if (!settings.enabled()) {
      metrics.bypass("disabled");
      return shardRead.get().map(r -> CacheRead.fromShard(r, CacheRead.Status.BYPASS));
    }
    MemberInfo node = CachePlacement.choose(routing.current().view(), collection, key);
    if (node == null) {
      return bypass(caller, key, shardRead, "no_cache_node", coalescer.tick());
    }
    long floor = fence.floor(collection, key);
    long askedAt = coalescer.tick();
    return lookup(caller, node, key).transform(ar -> {
      if (ar.failed()) {
        return bypass(caller, key, shardRead, ar.cause() instanceof CacheUnavailable cu ? cu.reason() : "closed",
            askedAt);
      }
      CacheClient.Entry entry = ar.result().entry();
      if (entry == null) {
        metrics.miss();
        return miss(caller, node, key, shardRead, ar.result().askedAt());
      }
      if (entry.version() < floor || !fence.allows(collection, key, entry.version())) {
        return bypass(caller, key, shardRead, "invalidating", ar.result().askedAt());
      }
      metrics.hit();
      return Future.succeededFuture(new CacheRead(null, CacheRead.Status.HIT, new CacheRead.Hit(entry.version(), entry.body(), node.id())));
    });
  }

  /**
   * Reads the record from its shard without asking the cache or filling it: the client asked not to be
   * answered from a cache (bypass reason {@code request}). A collection without cache reads as {@link #read} does.
   */
  public Future<CacheRead> readPastCache(Context caller, String key, Supplier<Future<BackendResponse>> shardRead) {
    return settings.enabled() ? bypass(caller, key, shardRead, "request", coalescer.tick()) : read(caller, key, shardRead);
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
    Long version = RecordVersions.of(acknowledged::header);
    if (version == null) {
      metrics.invalidation(false);
      return;
    }
    fence.written(collection, key, version, settings.ttlMs());
    boolean deleted = acknowledged.status() == 204;
    // The shard's proof of this version travels with the update: cache nodes store nothing without one.
    String proof = acknowledged.header(Headers.RECORD_PROOF);
    caller.runOnContext(v -> {
      if (deleted) {
        invalidate(key, version, proof);
      } else {
        writeThrough(key, version, acknowledged.body(), proof);
      }
    });
  }

  /**
   * A create or update answers with the whole new record: store it at its version, on every live cache
   * node. An entry refuses fills of its version or older just as a tombstone would, so no slow fill of an
   * earlier read can come back, and the record stays cached instead of missing for a ttl after each
   * write. Every node gets it, not only the key's owner: when cache membership flaps, keys move between
   * nodes, and a node that was not the owner must not keep an older copy to serve once it is again.
   * (A node that dropped out of the live set clears itself before it takes its lease back.)
   */
  private void writeThrough(String key, long version, io.vertx.core.buffer.Buffer record, String proof) {
    toEveryNode(key, version, node -> client.fill(node, collection, key, version, settings.ttlMs(), record, proof)
        .map(outcome -> outcome != CacheClient.FillOutcome.FAILED));
  }

  /** A delete leaves a tombstone at its version on every live cache node (see writeThrough). */
  private void invalidate(String key, long version, String proof) {
    toEveryNode(key, version, node -> client.invalidate(node, collection, key, version, settings.ttlMs(), proof)
        .map(true).otherwise(false));
  }

  /**
   * The fence here is lifted once every node the update went to applied it: any of them may own the key
   * after the next membership change. One failure leaves the fence to its ttl.
   */
  private void toEveryNode(String key, long version, java.util.function.Function<MemberInfo, Future<Boolean>> update) {
    java.util.List<MemberInfo> nodes = CachePlacement.live(routing.current().view());
    if (nodes.isEmpty()) {
      metrics.invalidation(false);
      return;
    }
    java.util.List<Future<Boolean>> sent = new java.util.ArrayList<>();
    for (MemberInfo node : nodes) {
      sent.add(update.apply(node).otherwise(false));
    }
    Future.all(sent).onComplete(ar -> {
      boolean everywhere = ar.succeeded() && sent.stream().allMatch(Future::result);
      if (everywhere) {
        fence.confirmed(collection, key, version);
      }
      metrics.invalidation(everywhere);
    });
  }

  private Future<CacheRead> miss(Context caller, MemberInfo node, String key, Supplier<Future<BackendResponse>> shardRead,
      long askedAt) {
    ReadCoalescer.Joined<BackendResponse> read = coalescer.read(caller, collection, key, shardRead, true, askedAt);
    if (!read.leader()) {
      metrics.coalesced();
    } else {
      // Registered before the answer's own listener, and deferred, so the fill starts after the answer.
      // Until the fill has landed, later misses share this read's result instead of reading again.
      read.response().onComplete(ar -> caller.runOnContext(v -> {
        Future<Void> filled = ar.succeeded() ? fill(node, key, ar.result()) : Future.succeededFuture();
        filled.onComplete(x -> releaseLater(caller, key, read.shared(), ar));
      }));
    }
    return read.response().map(r -> CacheRead.fromShard(r, CacheRead.Status.MISS));
  }

  private Future<CacheRead> bypass(Context caller, String key, Supplier<Future<BackendResponse>> shardRead, String reason,
      long askedAt) {
    metrics.bypass(reason);
    // A slow or overloaded cache (a burst of requests) is when the shards need shielding most: keep a
    // found record shared for a lookup deadline, as on the miss path. Other bypasses share only in flight.
    boolean burst = reason.equals("timeout") || reason.equals("overload");
    ReadCoalescer.Joined<BackendResponse> read = coalescer.read(caller, collection, key, shardRead, burst, askedAt);
    if (!read.leader()) {
      metrics.coalesced();
    } else if (burst) {
      read.response().onComplete(ar -> caller.runOnContext(v -> releaseLater(caller, key, read.shared(), ar)));
    }
    return read.response().map(r -> CacheRead.fromShard(r, CacheRead.Status.BYPASS));
  }

  /**
   * A found record stays shared for requests that asked the cache before the fill landed (and missed,
   * or timed out): they join it instead of reading the shard again, however late their miss is handled
   * on a busy event loop. A request that asked after the fill landed and still missed reads afresh. The
   * timer only bounds memory: past the request deadline no earlier request is still waiting. Anything
   * else (404, failure) stops being shared at once; an acknowledged write stops the sharing anyway.
   */
  private void releaseLater(Context caller, String key, Future<BackendResponse> shared,
      io.vertx.core.AsyncResult<BackendResponse> result) {
    if (result.succeeded() && result.result().status() == 200) {
      coalescer.landed(collection, key, shared);
      caller.owner().setTimer(coalescer.keepMs(), t -> coalescer.release(collection, key, shared));
    } else {
      coalescer.release(collection, key, shared);
    }
  }

  /**
   * One cache lookup per record at a time in this process: a burst of requests for one key makes one
   * lookup (and, on a miss, one shard read) instead of flooding the cache client's bounded pool. Each
   * request still judges the shared answer against its own fence floor, and shares only a lookup of
   * its own era (see {@link WriteFence#era()}).
   */
  private Future<Lookup> lookup(Context caller, MemberInfo node, String key) {
    String scope = fence.era() + "\u0000" + node.id() + "\u0000" + collection;
    return lookups.read(caller, scope, key, () -> {
      long askedAt = coalescer.tick();
      return client.get(node, collection, key).map(entry -> new Lookup(entry, askedAt));
    }).response();
  }

  /** A cache node's answer (null on a miss) and when the lookup that got it asked, on the shard reads' clock. */
  record Lookup(CacheClient.Entry entry, long askedAt) {}

  /** Only a found record is cached; a 404 is not (a later create invalidates anyway). */
  private Future<Void> fill(MemberInfo node, String key, BackendResponse resp) {
    Long version = resp.status() == 200 ? RecordVersions.of(resp::header) : null;
    if (version == null) {
      return Future.succeededFuture();
    }
    return client.fill(node, collection, key, version, settings.ttlMs(), resp.body(), resp.header(Headers.RECORD_PROOF))
        .onSuccess(metrics::fill).mapEmpty();
  }
}
