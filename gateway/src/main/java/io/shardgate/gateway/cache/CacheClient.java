package io.shardgate.gateway.cache;

import io.shardgate.cluster.membership.MemberInfo;
import io.shardgate.cluster.security.MemberAuth;
import io.shardgate.cluster.protocol.Headers;
import io.shardgate.cluster.protocol.InternalPaths;
import io.shardgate.cluster.protocol.RecordVersions;
import io.shardgate.gateway.backend.BackendResponse;
import io.shardgate.gateway.backend.BackendUnavailable;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's HTTP client to cache nodes (the {@code /cache/{collection}/{key}} contract, see
 * docs/cache.md), one per verticle. It has its own small pool, separate from the shard nodes' one, and
 * short deadlines: a lookup that is not answered in {@link Options#lookupTimeoutMs} is abandoned, and the
 * request reads the shard instead. Every failure becomes a {@link CacheUnavailable} with a reason.
 */
public final class CacheClient {
  /**
   * Deadlines and pool bounds of one verticle's client. Lookups sit on the read path, so theirs is short;
   * fills and invalidations run after the answer (updateTimeoutMs). connectTimeoutMs bounds opening a
   * TCP connection; the pool holds poolSize connections per cache node and queues at most maxWaitQueue
   * calls, beyond which a call fails at once (and a lookup becomes a bypass).
   */
  public record Options(long lookupTimeoutMs, long updateTimeoutMs, int connectTimeoutMs, int poolSize, int maxWaitQueue) {
    /** 100 ms lookups, 1 s fills and invalidations, 100 ms connect, 16 connections, 128 waiting. */
    public static final Options DEFAULTS = new Options(100, 1000, 100, 16, 128);
    /** A connection to a cache node idle this long is closed. */
    static final int IDLE_TIMEOUT_SECONDS = 60;

    public Options {
      if (lookupTimeoutMs <= 0 || updateTimeoutMs <= 0 || connectTimeoutMs <= 0 || poolSize <= 0 || maxWaitQueue < 0) {
        throw new IllegalArgumentException("cache client timeouts and pool size must be positive, maxWaitQueue at least 0; got "
            + lookupTimeoutMs + ", " + updateTimeoutMs + ", " + connectTimeoutMs + ", " + poolSize + ", " + maxWaitQueue);
      }
    }
  }

  /** A record found in the cache: the version it was filled with and the record's bytes. */
  record Entry(long version, Buffer body) {}

  enum FillOutcome {
    STORED, REJECTED, FAILED;

    String tag() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private final HttpClient client;
  private final Options options;

  CacheClient(Vertx vertx, Options options, MemberAuth auth) {
    this.options = options;
    HttpClientOptions http = auth.secure(new HttpClientOptions()
        .setKeepAlive(true)
        .setConnectTimeout(options.connectTimeoutMs())
        .setMetricsName("cache-nodes")
        .setIdleTimeout(Options.IDLE_TIMEOUT_SECONDS)
        .setIdleTimeoutUnit(TimeUnit.SECONDS));
    PoolOptions pool = new PoolOptions().setHttp1MaxSize(options.poolSize()).setMaxWaitQueueSize(options.maxWaitQueue());
    this.client = vertx.createHttpClient(http, pool);
  }

  /** The deadline of one cache lookup. */
  long lookupTimeoutMs() {
    return options.lookupTimeoutMs();
  }

  /** The cached record, or null on a miss (absent, expired or invalidated). */
  Future<Entry> get(MemberInfo node, String collection, String key) {
    return send(node, HttpMethod.GET, InternalPaths.cacheEntry(collection, key), null, null, options.lookupTimeoutMs()).compose(resp -> {
      if (resp.status() == 404) {
        return Future.succeededFuture();
      }
      if (resp.status() != 200) {
        return Future.failedFuture(new CacheUnavailable("status", node.id() + " answered " + resp.status()));
      }
      Long version = RecordVersions.parse(resp.header(Headers.RECORD_VERSION));
      if (version == null) {
        return Future.failedFuture(new CacheUnavailable("bad_response", node.id() + " sent no X-Record-Version"));
      }
      return Future.succeededFuture(new Entry(version, resp.body()));
    });
  }

  /** Stores the record at this version unless the node holds the same or a newer one (or a tombstone). */
  Future<FillOutcome> fill(MemberInfo node, String collection, String key, long version, long ttlMs, Buffer body,
      String proof) {
    String uri = InternalPaths.cacheUpdate(collection, key, version, ttlMs);
    return send(node, HttpMethod.PUT, uri, body, proof, options.updateTimeoutMs()).transform(ar -> Future.succeededFuture(
        ar.failed() ? FillOutcome.FAILED
            : ar.result().status() == 204 ? FillOutcome.STORED
            : ar.result().status() == 409 ? FillOutcome.REJECTED
            : FillOutcome.FAILED));
  }

  /** Leaves a tombstone at this version (or the node's newer one) that refuses fills of older versions. */
  Future<Void> invalidate(MemberInfo node, String collection, String key, long version, long ttlMs, String proof) {
    String uri = InternalPaths.cacheUpdate(collection, key, version, ttlMs);
    return send(node, HttpMethod.DELETE, uri, null, proof, options.updateTimeoutMs()).compose(resp -> resp.status() == 204
        ? Future.succeededFuture()
        : Future.failedFuture(new CacheUnavailable("status", node.id() + " answered " + resp.status())));
  }

  private Future<BackendResponse> send(MemberInfo node, HttpMethod method, String uri, Buffer body, String proof,
      long timeoutMs) {
    // The connect timeout bounds the wait for a pooled connection, so a call given up on is never sent
    // late (a fill must not land long after the write that superseded it); the idle timeout closes a
    // connection whose answer never came, so a hung node cannot hold the pool.
    RequestOptions request = new RequestOptions().setMethod(method).setHost(node.host()).setPort(node.port()).setURI(uri)
        .setConnectTimeout(timeoutMs).setIdleTimeout(timeoutMs);
    if (body != null) {
      request.putHeader(Headers.CONTENT_TYPE, Headers.JSON);
    }
    if (proof != null) {
      request.putHeader(Headers.RECORD_PROOF, proof);
    }
    Future<BackendResponse> response = client.request(request).compose(req -> {
      Future<HttpClientResponse> sent = body == null ? req.send() : req.send(body);
      return sent.compose(resp -> resp.body().map(b -> new BackendResponse(resp.statusCode(), resp.headers(), b)));
    });
    return response.timeout(timeoutMs, TimeUnit.MILLISECONDS).recover(e -> Future.failedFuture(classify(node, e)));
  }

  private static CacheUnavailable classify(MemberInfo node, Throwable e) {
    if (e instanceof CacheUnavailable cu) {
      return cu;
    }
    String reason = BackendUnavailable.Reason.of(e).tag();
    return new CacheUnavailable(reason, node.id() + " (" + node.address() + ") did not answer: " + reason);
  }

  public Future<Void> close() {
    return client.close();
  }
}
