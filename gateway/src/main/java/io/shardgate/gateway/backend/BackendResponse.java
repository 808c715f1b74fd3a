package io.shardgate.gateway.backend;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

/** A complete backend response; the body is forwarded to the client as it is. */
public record BackendResponse(int status, MultiMap headers, Buffer body) {
  public String header(String name) {
    return headers.get(name);
  }
}
