package io.shardgate.gateway.backend;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.shardgate.cluster.config.Settings;
import io.shardgate.cluster.membership.MemberInfo;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.concurrent.TimeUnit;

/**
 * Calls shard nodes over keep-alive HTTP/1.1 with a bounded pool, a bounded wait queue and a deadline
 * on every call. Any failure to get a response becomes a {@link BackendUnavailable} with a reason, so
 * the API layer can answer a fast 503 instead of hanging.
 */
public final class NodeClient {
  private final HttpClient client;
  private final long timeoutMs;
  private final MeterRegistry meters;

  public NodeClient(Vertx vertx, Settings.Backend settings, MeterRegistry meters) {
    this.timeoutMs = settings.timeoutMs();
    this.meters = meters;
    HttpClientOptions options = new HttpClientOptions()
        .setKeepAlive(true)
        .setConnectTimeout((int) settings.connectTimeoutMs())
        .setMetricsName("shard-nodes")
        .setIdleTimeout(60)
        .setIdleTimeoutUnit(TimeUnit.SECONDS);
    PoolOptions pool = new PoolOptions().setHttp1MaxSize(settings.poolSize()).setMaxWaitQueueSize(settings.maxWaitQueue());
    this.client = vertx.createHttpClient(options, pool);
  }

  public Future<BackendResponse> call(MemberInfo node, HttpMethod method, String uri, MultiMap headers, Buffer body) {
    RequestOptions options = new RequestOptions().setMethod(method).setHost(node.host()).setPort(node.port()).setURI(uri)
        .setIdleTimeout(timeoutMs);
    if (headers != null) {
      options.setHeaders(headers);
    }
    Future<BackendResponse> response = client.request(options).compose(req -> exchange(req, body));
    return response.timeout(timeoutMs, TimeUnit.MILLISECONDS).recover(e -> Future.failedFuture(classify(node, e)));
  }

  private Future<BackendResponse> exchange(HttpClientRequest req, Buffer body) {
    Future<io.vertx.core.http.HttpClientResponse> sent = body == null ? req.send() : req.send(body);
    return sent.compose(resp -> resp.body().map(b -> new BackendResponse(resp.statusCode(), resp.headers(), b)));
  }

  private BackendUnavailable classify(MemberInfo node, Throwable e) {
    if (e instanceof BackendUnavailable bu) {
      return bu;
    }
    String reason = BackendUnavailable.reasonOf(e);
    Counter.builder("shardgate_gateway_backend_errors_total").tag("reason", reason).register(meters).increment();
    return new BackendUnavailable(reason, node.id() + " (" + node.address() + ") did not answer: " + reason);
  }

  public Future<Void> close() {
    return client.close();
  }
}
