package io.shardgate.cluster.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.IntSupplier;

/**
 * A listener's meters, created once with its limits: open connections, connections shed beyond the cap,
 * connections closed for not sending request headers in time. A listener built again under the same name
 * (a node redeployed in the same process) takes the open-connections gauge over.
 */
final class ListenerMeters {
  private final Counter shed;
  private final Counter headerTimeouts;

  ListenerMeters(MeterRegistry registry, String listener, IntSupplier open) {
    registry.find("shardgate.listener.connections").tag("listener", listener).meters().forEach(registry::remove);
    Gauge.builder("shardgate.listener.connections", open::getAsInt).tag("listener", listener)
        .description("connections open on the listener, shed ones included until they close").register(registry);
    shed = Counter.builder("shardgate.listener.connections.shed").tag("listener", listener)
        .description("connections refused because the listener had maxConnections open").register(registry);
    headerTimeouts = Counter.builder("shardgate.listener.header.timeouts").tag("listener", listener)
        .description("connections closed for not sending complete request headers in time").register(registry);
  }

  void shed() {
    shed.increment();
  }

  void headerTimeout() {
    headerTimeouts.increment();
  }
}
