package io.shardgate.shardnode.replication;

import io.shardgate.cluster.http.Problem;
import io.shardgate.cluster.membership.MemberInfo;
import io.shardgate.cluster.protocol.Headers;
import io.shardgate.cluster.protocol.InternalPaths;
import io.shardgate.cluster.security.MemberAuth;
import io.shardgate.shardnode.store.OplogEntry;
import io.shardgate.shardnode.store.RecordStore;
import io.shardgate.shardnode.store.SlotPosition;
import io.shardgate.shardnode.store.StoreException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * The peer-to-peer API under /replication: apply a pushed entry (pulling what is missing from the
 * sender first), serve log slices, record states and slot copies to catching-up peers, and take a
 * returning peer's handoff. Each endpoint reads at most the body it needs; a presence lasts at most
 * one lease ttl and a member may only announce itself.
 */
public final class ReplicationRoutes {
  /** A handoff or presence body: a node id and a ttl. */
  static final int MAX_PRESENCE_BODY_BYTES = 4096;
  private final RecordStore store;
  private final Peers peers;
  private final SlotLocks locks;
  private final SlotSync sync;
  private final long maxPresentMs;

  /** @param maxPresentMs the longest a returning peer may be counted as live per announcement (the lease ttl) */
  public ReplicationRoutes(RecordStore store, Peers peers, SlotLocks locks, SlotSync sync, long maxPresentMs) {
    this.store = store;
    this.peers = peers;
    this.locks = locks;
    this.sync = sync;
    this.maxPresentMs = maxPresentMs;
  }

  /** @param maxEntryBytes the largest pushed oplog entry */
  public void mount(Router router, int maxEntryBytes) {
    router.post(InternalPaths.APPLY).handler(BodyHandler.create(false).setBodyLimit(maxEntryBytes)).handler(this::apply);
    BodyHandler presence = BodyHandler.create(false).setBodyLimit(MAX_PRESENCE_BODY_BYTES);
    router.post(InternalPaths.HANDOFF).handler(presence);
    router.post(InternalPaths.PRESENT).handler(presence);
    router.get(InternalPaths.LOG_ROUTE).handler(this::log);
    router.get(InternalPaths.STATE_ROUTE).handler(this::state);
    router.get(InternalPaths.SNAPSHOT_ROUTE).handler(this::snapshot);
    router.post(InternalPaths.HANDOFF).handler(this::handoff);
    router.post(InternalPaths.PRESENT).handler(this::present);
    router.get(InternalPaths.POSITIONS).handler(this::positions);
  }

  private void apply(RoutingContext ctx) {
    OplogEntry entry;
    try {
      entry = OplogEntry.fromJson(ctx.body().asJsonObject());
    } catch (RuntimeException e) {
      Problem.badRequest("not an oplog entry: " + e.getMessage()).send(ctx.response());
      return;
    }
    MemberInfo sender = peers.member(String.valueOf(ctx.request().getHeader(Headers.SOURCE_NODE)));
    locks.run(entry.slot(), () -> store.apply(entry).recover(e -> {
      if (e instanceof StoreException.Gap && sender != null) {
        // Missed entries (e.g. pushed while this node was catching up): pull them from the sender.
        return sync.syncLocked(sender, entry.slot()).compose(n -> store.apply(entry));
      }
      return Future.failedFuture(e);
    })).onComplete(ar -> {
      if (ar.succeeded()) {
        ctx.response().setStatusCode(204).end();
      } else if (ar.cause() instanceof StoreException.StaleEpoch stale) {
        Problem.of(409, "stale-epoch", "Stale epoch", stale.getMessage()).send(ctx.response());
      } else if (ar.cause() instanceof StoreException.Gap gap) {
        Problem.of(409, "gap", "Gap", gap.getMessage()).send(ctx.response());
      } else {
        Problem.unavailable("could not apply: " + ar.cause()).send(ctx.response());
      }
    });
  }

  private void log(RoutingContext ctx) {
    Integer slot = slot(ctx);
    if (slot == null) {
      return;
    }
    SlotPosition after = new SlotPosition(longParam(ctx, InternalPaths.AFTER_EPOCH), longParam(ctx, InternalPaths.AFTER_SEQ));
    int limit = (int) Math.max(1, Math.min(10_000, longParam(ctx, InternalPaths.LIMIT)));
    reply(ctx, store.readLog(slot, after, limit).map(Wire::slice));
  }

  private void state(RoutingContext ctx) {
    Integer slot = slot(ctx);
    String collection = ctx.queryParams().get(InternalPaths.COLLECTION);
    String key = ctx.queryParams().get(InternalPaths.KEY);
    if (slot == null) {
      return;
    }
    if (collection == null || key == null) {
      Problem.badRequest("collection and key are required").send(ctx.response());
      return;
    }
    reply(ctx, store.state(collection, key, slot).map(s -> s.toJson()));
  }

  private void snapshot(RoutingContext ctx) {
    Integer slot = slot(ctx);
    if (slot != null) {
      reply(ctx, store.snapshot(slot).map(Wire::snapshot));
    }
  }

  /**
   * A returning peer announces itself: count it as live from now on (so this node stops acting as
   * primary where the peer is ahead and replicates to it where it is behind), then answer once every
   * write already in flight has finished, so the peer's final sync sees all of them.
   */
  private void handoff(RoutingContext ctx) {
    if (markPresent(ctx, "handoff")) {
      reply(ctx, locks.drain().map(v -> new JsonObject().put("node", peers.self())));
    }
  }

  /** A returning peer, still catching up, renews the handoff's "count me as live" without a drain. */
  private void present(RoutingContext ctx) {
    if (markPresent(ctx, "present")) {
      ctx.response().setStatusCode(204).end();
    }
  }

  /**
   * Counts the announcing member as live for its ttl, capped at one lease ttl so that a node that dies
   * right after cannot stay "live" longer than a lease would have kept it; false after answering 400.
   */
  private boolean markPresent(RoutingContext ctx, String what) {
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (RuntimeException e) {
      body = null;
    }
    Object node = body == null ? null : body.getValue("node");
    Object ttl = body == null ? null : body.getValue("ttlMs", maxPresentMs);
    if (!(node instanceof String id) || peers.member(id) == null) {
      Problem.badRequest(what + " needs {\"node\": <the id of a member>}").send(ctx.response());
      return false;
    }
    String caller = MemberAuth.caller(ctx);
    if (caller != null && !caller.equals(id)) {
      Problem.of(403, "forbidden", "Forbidden", what + " for " + id + " sent by " + caller + ": a member announces only itself")
          .send(ctx.response());
      return false;
    }
    if (!(ttl instanceof Number n) || n.longValue() < 1 || n.doubleValue() != Math.rint(n.doubleValue())) {
      Problem.badRequest(what + " ttlMs must be a positive integer, got " + ttl).send(ctx.response());
      return false;
    }
    peers.markPresent(id, Math.min(n.longValue(), maxPresentMs));
    return true;
  }

  /** Every slot's position on this node, so a catching-up peer syncs only the slots that differ. */
  private void positions(RoutingContext ctx) {
    reply(ctx, store.positions().map(all -> {
      JsonObject json = new JsonObject();
      all.forEach((slot, p) -> json.put(Integer.toString(slot), Wire.position(p)));
      return json;
    }));
  }

  private static void reply(RoutingContext ctx, Future<JsonObject> result) {
    result.onComplete(ar -> {
      if (ar.succeeded()) {
        ctx.response().putHeader(Headers.CONTENT_TYPE, Headers.JSON).end(ar.result().toBuffer());
      } else {
        Problem.unavailable(String.valueOf(ar.cause())).send(ctx.response());
      }
    });
  }

  private static Integer slot(RoutingContext ctx) {
    try {
      return Integer.parseInt(ctx.pathParam(InternalPaths.SLOT));
    } catch (NumberFormatException e) {
      Problem.badRequest("slot must be a number").send(ctx.response());
      return null;
    }
  }

  private static long longParam(RoutingContext ctx, String name) {
    try {
      return Long.parseLong(ctx.queryParams().get(name));
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
