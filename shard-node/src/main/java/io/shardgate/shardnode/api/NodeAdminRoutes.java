package io.shardgate.shardnode.api;

import io.shardgate.cluster.protocol.InternalPaths;
import io.shardgate.shardnode.store.RecordStore;
import io.shardgate.shardnode.store.SlotChecksum;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The node's own admin view (internal network only, like the record API): lifecycle state, lease,
 * catch-up progress, per-slot oplog positions and per-slot content checksums.
 */
public final class NodeAdminRoutes {
  private final String nodeId;
  private final RecordStore store;
  private final Supplier<String> state;
  private final BooleanSupplier lease;
  private final Supplier<JsonObject> catchUp;

  public NodeAdminRoutes(String nodeId, RecordStore store, Supplier<String> state, BooleanSupplier lease,
      Supplier<JsonObject> catchUp) {
    this.nodeId = nodeId;
    this.store = store;
    this.state = state;
    this.lease = lease;
    this.catchUp = catchUp;
  }

  public void mount(Router router) {
    router.get(InternalPaths.NODE_STATUS).handler(ctx -> store.positions().onComplete(ar -> {
      JsonObject positions = new JsonObject();
      if (ar.succeeded()) {
        new TreeMap<>(ar.result()).forEach((slot, p) -> positions.put(Integer.toString(slot), p.toString()));
      }
      ctx.json(new JsonObject().put("node", nodeId).put("state", state.get().toLowerCase()).put("leaseHeld", lease.getAsBoolean())
          .put("catchUp", catchUp.get()).put("positions", positions));
    }));
    router.get(InternalPaths.NODE_CHECKSUMS).handler(ctx -> store.checksums().onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(503, ar.cause());
        return;
      }
      JsonObject slots = new JsonObject();
      for (SlotChecksum c : new TreeMap<>(ar.result()).values()) {
        slots.put(Integer.toString(c.slot()), new JsonObject().put("records", c.records()).put("hash", Long.toHexString(c.hash())));
      }
      ctx.json(new JsonObject().put("node", nodeId).put("slots", slots));
    }));
  }
}
