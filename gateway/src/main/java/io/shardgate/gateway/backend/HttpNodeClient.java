package io.shardgate.gateway.backend;

import io.shardgate.cluster.config.Settings;
import io.shardgate.cluster.membership.MemberInfo;
import io.shardgate.cluster.security.MemberAuth;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.concurrent.TimeUnit;

/**
 * {@link NodeClient} over HTTP, one per gateway verticle. Any failure to get a response becomes a
 * {@link BackendUnavailable} with a reason, so the caller can answer a fast 503 instead of hanging.
 */
final class HttpNodeClient implements NodeClient {
  private final HttpClient client;
  private final long timeoutMs;
  private final NodeStats stats;

  HttpNodeClient(Vertx vertx, Settings.Backend settings, int idleTimeoutSeconds, NodeStats stats, MemberAuth auth) {
    this.timeoutMs = settings.timeoutMs();
    this.stats = stats;
    HttpClientOptions options = auth.secure(new HttpClientOptions()
        .setKeepAlive(true)
        .setConnectTimeout((int) settings.connectTimeoutMs())
        .setMetricsName("shard-nodes")
        .setIdleTimeout(idleTimeoutSeconds)
        .setIdleTimeoutUnit(TimeUnit.SECONDS));
    PoolOptions pool = new PoolOptions().setHttp1MaxSize(settings.poolSize()).setMaxWaitQueueSize(settings.maxWaitQueue());
    this.client = vertx.createHttpClient(options, pool);
  }

  @Override
  public Future<BackendResponse> call(MemberInfo node, HttpMethod method, String uri, MultiMap headers, Buffer body) {
    RequestOptions options = new RequestOptions().setMethod(method).setHost(node.host()).setPort(node.port()).setURI(uri)
        .setIdleTimeout(timeoutMs);
    if (headers != null) {
      options.setHeaders(headers);
    }
    Future<BackendResponse> response = client.request(options).compose(req -> exchange(req, body));
    return response.timeout(timeoutMs, TimeUnit.MILLISECONDS).recover(e -> Future.failedFuture(classify(node, e)));
  }

  private static Future<BackendResponse> exchange(HttpClientRequest req, Buffer body) {
    Future<HttpClientResponse> sent = body == null ? req.send() : req.send(body);
    return sent.compose(resp -> resp.body().map(b -> new BackendResponse(resp.statusCode(), resp.headers(), b)));
  }

  private BackendUnavailable classify(MemberInfo node, Throwable e) {
    if (e instanceof BackendUnavailable bu) {
      return bu;
    }
    BackendUnavailable.Reason reason = BackendUnavailable.Reason.of(e);
    stats.noAnswer(reason);
    return new BackendUnavailable(reason, node.id() + " (" + node.address() + ") did not answer: " + reason.tag());
  }

  @Override
  public Future<Void> close() {
    return client.close();
  }
}
