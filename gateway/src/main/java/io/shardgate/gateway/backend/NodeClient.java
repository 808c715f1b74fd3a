package io.shardgate.gateway.backend;

import io.shardgate.cluster.config.Settings;
import io.shardgate.cluster.membership.MemberInfo;
import io.shardgate.cluster.security.MemberAuth;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;

/**
 * Calls one shard node and hands back its whole answer, or fails with a {@link BackendUnavailable}
 * when none came. An interface so that the record service can be tested against a fake.
 */
public interface NodeClient {
  /**
   * Keep-alive HTTP/1.1 with a bounded pool, a bounded wait queue and a deadline on every call,
   * presenting this gateway's member certificate (unless auth is {@link MemberAuth#none()}).
   */
  static NodeClient http(Vertx vertx, Settings.Backend settings, int idleTimeoutSeconds, NodeStats stats, MemberAuth auth) {
    return new HttpNodeClient(vertx, settings, idleTimeoutSeconds, stats, auth);
  }

  Future<BackendResponse> call(MemberInfo node, HttpMethod method, String uri, MultiMap headers, Buffer body);

  Future<Void> close();
}
