package io.shardgate.shardnode.replication;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.shardgate.cluster.config.Settings;
import io.shardgate.cluster.membership.MemberInfo;
import io.shardgate.cluster.protocol.Headers;
import io.shardgate.cluster.protocol.InternalPaths;
import io.shardgate.cluster.security.MemberAuth;
import io.shardgate.shardnode.store.LogSlice;
import io.shardgate.shardnode.store.OplogEntry;
import io.shardgate.shardnode.store.RecordState;
import io.shardgate.shardnode.store.SlotPosition;
import io.shardgate.shardnode.store.SlotSnapshot;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * HTTP calls from this shard node to its peers: push an entry, read a log slice, read one record's
 * state, copy a slot, announce a return (handoff). Every call has a deadline and a bounded pool.
 */
public final class PeerClient implements PeerCalls {
  /** A peer refused an entry: it has seen a newer epoch (this node is not primary any more) or a gap. */
  public static final class Refused extends RuntimeException {
    public Refused(String message) {
      super(message, null, false, false);
    }
  }

  private final HttpClient client;
  private final String self;
  private final long timeoutMs;
  /** Catch-up calls move whole log slices and slots: a looser deadline than a single push. */
  private final long bulkTimeoutMs;
  private final Timer pushLatency;
  private final MeterRegistry meters;

  public PeerClient(Vertx vertx, String self, Settings.Replication settings, MeterRegistry meters, MemberAuth auth) {
    this.self = self;
    this.timeoutMs = settings.pushTimeoutMs();
    this.bulkTimeoutMs = settings.bulkTimeoutMs();
    this.meters = meters;
    this.client = vertx.createHttpClient(auth.secure(new HttpClientOptions().setKeepAlive(true)
        .setConnectTimeout((int) Math.min(timeoutMs, 1000)).setMetricsName("shard-peers")), new PoolOptions().setHttp1MaxSize(settings.peerPoolSize())
        .setMaxWaitQueueSize(settings.peerMaxWaitQueue()));
    this.pushLatency = Timer.builder("shardgate.replication.push").tag("node", self)
        .description("Time to push one entry to a replica and have it applied").register(meters);
  }

  @Override
  public Future<Void> push(MemberInfo peer, OplogEntry entry) {
    Timer.Sample sample = Timer.start(meters);
    return call(peer, HttpMethod.POST, InternalPaths.APPLY, entry.toJson().toBuffer(), timeoutMs).compose(resp -> {
      if (resp.status == 204) {
        sample.stop(pushLatency);
        return Future.<Void>succeededFuture();
      }
      return Future.failedFuture(new Refused(peer.id() + " refused entry " + entry.position() + " of slot " + entry.slot()
          + ": " + resp.status + " " + resp.body));
    });
  }

  @Override
  public Future<LogSlice> readLog(MemberInfo peer, int slot, SlotPosition after, int limit) {
    return json(peer, HttpMethod.GET, InternalPaths.log(slot, after.epoch(), after.seq(), limit), null).map(Wire::slice);
  }

  /** Keys stored before the one key rule may need escaping: the repair of such a record must still reach its peer. */
  @Override
  public Future<RecordState> state(MemberInfo peer, int slot, String collection, String key) {
    return json(peer, HttpMethod.GET, InternalPaths.state(slot, enc(collection), enc(key)), null).map(RecordState::fromJson);
  }

  @Override
  public Future<SlotSnapshot> snapshot(MemberInfo peer, int slot) {
    return json(peer, HttpMethod.GET, InternalPaths.snapshot(slot), null).map(Wire::snapshot);
  }

  @Override
  public Future<Void> handoff(MemberInfo peer, long presentForMs) {
    return json(peer, HttpMethod.POST, InternalPaths.HANDOFF,
        new JsonObject().put("node", self).put("ttlMs", presentForMs).toBuffer()).mapEmpty();
  }

  @Override
  public Future<Void> present(MemberInfo peer, long presentForMs) {
    return call(peer, HttpMethod.POST, InternalPaths.PRESENT,
        new JsonObject().put("node", self).put("ttlMs", presentForMs).toBuffer(), timeoutMs).compose(resp -> resp.status == 204
            ? Future.<Void>succeededFuture() : Future.failedFuture(new IllegalStateException(peer.id() + " answered " + resp.status)));
  }

  @Override
  public Future<java.util.Map<Integer, SlotPosition>> positions(MemberInfo peer) {
    return json(peer, HttpMethod.GET, InternalPaths.POSITIONS, null).map(json -> {
      java.util.Map<Integer, SlotPosition> all = new java.util.HashMap<>();
      for (String slot : json.fieldNames()) {
        all.put(Integer.parseInt(slot), Wire.position(json.getJsonArray(slot)));
      }
      return all;
    });
  }

  private Future<JsonObject> json(MemberInfo peer, HttpMethod method, String uri, Buffer body) {
    return call(peer, method, uri, body, bulkTimeoutMs).compose(resp -> resp.status == 200 ? Future.succeededFuture(new JsonObject(resp.body))
        : Future.failedFuture(new IllegalStateException(peer.id() + " answered " + resp.status + " to " + uri + ": " + resp.body)));
  }

  private record Response(int status, Buffer body) {}

  private Future<Response> call(MemberInfo peer, HttpMethod method, String uri, Buffer body, long deadlineMs) {
    RequestOptions options = new RequestOptions().setMethod(method).setHost(peer.host()).setPort(peer.port()).setURI(uri)
        .setIdleTimeout(deadlineMs).putHeader(Headers.SOURCE_NODE, self);
    if (body != null) {
      options.putHeader(Headers.CONTENT_TYPE, Headers.JSON);
    }
    // Read the body in the same step that receives the response: chained after it instead, from a
    // caller off the request's event loop, it may be attached after the response ended and never complete.
    return client.request(options)
        .compose(req -> (body == null ? req.send() : req.send(body))
            .compose(resp -> resp.body().map(b -> new Response(resp.statusCode(), b))))
        .timeout(deadlineMs, TimeUnit.MILLISECONDS);
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  public Future<Void> close() {
    return client.close();
  }
}
