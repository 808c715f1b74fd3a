package io.shardgate.gateway.records;

import io.shardgate.cluster.ids.IdAllocator;
import io.shardgate.cluster.membership.MemberInfo;
import io.shardgate.cluster.protocol.Headers;
import io.shardgate.cluster.protocol.InternalPaths;
import io.shardgate.cluster.routing.RoutingTable;
import io.shardgate.gateway.backend.BackendResponse;
import io.shardgate.gateway.backend.Failover;
import io.shardgate.gateway.backend.NodeClient;
import io.shardgate.gateway.cache.CacheRead;
import io.shardgate.gateway.cache.CollectionCache;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The records of one collection, for every front end of one gateway verticle: transport-neutral
 * operations that answer a {@link RecordResult}. It routes each key ({@code Routing.route}), lets
 * {@link Failover} pick the replica, calls it with the {@link NodeClient}, reads through and writes
 * through the collection's cache, and allocates keys for creates that bring none.
 *
 * <p>Front ends validate what they are given; record bodies here are opaque bytes. Request ids are
 * passed on to the shard nodes for correlation.
 */
public final class RecordService {
  /** Where a read may be answered from. */
  public enum ReadFrom {
    /** The collection's cache, else its shard (the default). */
    CACHE_OR_SHARD,
    /** Only the shard: the client asked not to be served from a cache, and nothing is filled. */
    SHARD
  }

  private final String collection;
  private final RoutingTable routing;
  private final Failover failover;
  private final NodeClient nodes;
  private final CollectionCache cache;
  private final IdAllocator ids;
  private final int idAttempts;
  private final Context context;
  private final RecordStats stats;

  /**
   * @param idAttempts how many allocated keys a create tries before it answers a conflict: an allocated
   *     key may have been taken by a client that chose it
   * @param context the verticle's context, where the cache path hands back results
   */
  public RecordService(String collection, RoutingTable routing, Failover failover, NodeClient nodes,
      CollectionCache cache, IdAllocator ids, int idAttempts, Context context, RecordStats stats) {
    this.collection = collection;
    this.routing = routing;
    this.failover = failover;
    this.nodes = nodes;
    this.cache = cache;
    this.ids = ids;
    this.idAttempts = idAttempts;
    this.context = context;
    this.stats = stats;
  }

  public String collection() {
    return collection;
  }

  /** Found, NotFound, Unavailable, or what else the node answered. */
  public Future<RecordResult> get(String key, ReadFrom from, String requestId) {
    Supplier<Future<BackendResponse>> shardRead = () -> send(key, HttpMethod.GET, IfMatch.NONE, null, requestId);
    Future<CacheRead> reading = from == ReadFrom.SHARD ? cache.readPastCache(context, key, shardRead)
        : cache.read(context, key, shardRead);
    return reading.transform(ar -> answer(ar.succeeded() ? NodeAnswers.read(ar.result())
        : NodeAnswers.noAnswer(ar.cause(), false)));
  }

  /**
   * Creates the record {@code recordFor(key)}. Without a key, allocates one, and tries a fresh one while
   * the allocated key turns out taken, up to the attempts the service was given.
   */
  public Future<RecordResult> create(String key, Function<String, Buffer> recordFor, String requestId) {
    return key != null ? insert(key, recordFor, requestId) : createWithNewKey(recordFor, requestId, 1);
  }

  private Future<RecordResult> createWithNewKey(Function<String, Buffer> recordFor, String requestId, int attempt) {
    return ids.next(collection).transform(ar -> {
      if (ar.failed()) {
        return answer(new RecordResult.Unavailable(RecordResult.Reason.IDS, "no id could be allocated: "
            + ar.cause().getMessage(), false, null, null));
      }
      return insert(Long.toString(ar.result()), recordFor, requestId).compose(result -> {
        if (!(result instanceof RecordResult.Conflict)) {
          return Future.succeededFuture(result);
        }
        if (attempt < idAttempts) {
          return createWithNewKey(recordFor, requestId, attempt + 1);
        }
        return Future.succeededFuture(new RecordResult.Conflict("no free id found in " + idAttempts + " attempts",
            null, true));
      });
    });
  }

  private Future<RecordResult> insert(String key, Function<String, Buffer> recordFor, String requestId) {
    return write(RecordResult.Change.CREATED, key, HttpMethod.POST, IfMatch.NONE, recordFor.apply(key), requestId);
  }

  /** Merges the top-level fields of {@code changes} into the record. */
  public Future<RecordResult> patch(String key, Buffer changes, IfMatch ifMatch, String requestId) {
    return write(RecordResult.Change.PATCHED, key, HttpMethod.PATCH, ifMatch, changes, requestId);
  }

  /** Replaces the whole record. */
  public Future<RecordResult> replace(String key, Buffer record, IfMatch ifMatch, String requestId) {
    return write(RecordResult.Change.REPLACED, key, HttpMethod.PUT, ifMatch, record, requestId);
  }

  public Future<RecordResult> delete(String key, IfMatch ifMatch, String requestId) {
    return write(RecordResult.Change.DELETED, key, HttpMethod.DELETE, ifMatch, null, requestId);
  }

  private Future<RecordResult> write(RecordResult.Change change, String key, HttpMethod method, IfMatch ifMatch,
      Buffer body, String requestId) {
    return send(key, method, ifMatch, body, requestId).transform(ar -> {
      if (ar.failed()) {
        return answer(NodeAnswers.noAnswer(ar.cause(), true));
      }
      BackendResponse resp = ar.result();
      if (resp.status() == NodeAnswers.acknowledged(change)) {
        // Before the caller hears of it: from now on this process serves nothing older.
        cache.written(context, key, resp);
      }
      return answer(NodeAnswers.written(change, key, resp));
    });
  }

  /** The node's answer from the replica failover picks, or a failure when none could give one. */
  private Future<BackendResponse> send(String key, HttpMethod method, IfMatch ifMatch, Buffer body, String requestId) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    if (requestId != null) {
      headers.set(Headers.REQUEST_ID, requestId);
    }
    if (ifMatch.header() != null) {
      headers.set(Headers.IF_MATCH, ifMatch.header());
    }
    if (body != null) {
      headers.set(Headers.CONTENT_TYPE, Headers.JSON);
    }
    String uri = InternalPaths.record(collection, key);
    Function<MemberInfo, Future<BackendResponse>> call = node -> nodes.call(node, method, uri, headers, body);
    return method == HttpMethod.GET ? failover.read(routing.current().route(collection, key), call)
        : failover.write(() -> routing.current().route(collection, key), call);
  }

  private Future<RecordResult> answer(RecordResult result) {
    if (result instanceof RecordResult.Unavailable u) {
      stats.unavailable(u.reason());
    }
    return Future.succeededFuture(result);
  }
}
