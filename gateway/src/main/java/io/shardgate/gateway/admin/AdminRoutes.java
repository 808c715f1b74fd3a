package io.shardgate.gateway.admin;

import io.shardgate.cluster.http.Problem;
import io.shardgate.cluster.membership.MemberInfo;
import io.shardgate.cluster.membership.Role;
import io.shardgate.cluster.protocol.Names;
import io.shardgate.cluster.routing.Route;
import io.shardgate.cluster.routing.Routing;
import io.shardgate.gateway.http.RequestMetrics;
import io.shardgate.cluster.routing.RoutingTable;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Operator endpoints under /admin, each requiring {@code Authorization: Bearer <adminToken>}. Every call,
 * allowed or refused, leaves one audit line (logger {@code shardgate.audit}): action, caller address,
 * outcome and status; admin calls are rare, so a line each is affordable even on the event loop.
 */
public final class AdminRoutes {
  private static final Logger AUDIT = LoggerFactory.getLogger("shardgate.audit");
  private final byte[] token;
  private final RoutingTable routing;

  public AdminRoutes(String token, RoutingTable routing) {
    this.token = token.getBytes(StandardCharsets.UTF_8);
    this.routing = routing;
  }

  public void mount(Router router) {
    router.route("/admin/*").handler(this::authorize);
    router.get("/admin/members").handler(this::members);
    router.get("/admin/placement").handler(this::placement);
  }

  private void authorize(RoutingContext ctx) {
    ctx.put(RequestMetrics.OP, "admin");
    String header = ctx.request().getHeader("Authorization");
    String action = ctx.request().method() + " " + ctx.request().path();
    String from = String.valueOf(ctx.request().remoteAddress());
    boolean tokenOk = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
        && MessageDigest.isEqual(header.substring(7).trim().getBytes(StandardCharsets.UTF_8), token);
    ctx.addEndHandler(v -> AUDIT.info("admin action={} from={} authorized={} status={}", action, from, tokenOk,
        ctx.response().getStatusCode()));
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"shardgate-admin\"");
      Problem.forStatus(401, "admin endpoints need the header Authorization: Bearer <admin token>").send(ctx.response());
      return;
    }
    if (!tokenOk) {
      Problem.of(403, "forbidden", "Forbidden", "the admin token is not valid").send(ctx.response());
      return;
    }
    ctx.next();
  }

  private void members(RoutingContext ctx) {
    Routing r = routing.current();
    Map<String, Integer> primaries = new HashMap<>();
    for (int slot = 0; slot < r.slots(); slot++) {
      MemberInfo p = r.primary(slot);
      if (p != null) {
        primaries.merge(p.id(), 1, Integer::sum);
      }
    }
    JsonArray members = new JsonArray();
    r.view().members().values().stream().sorted(Comparator.comparing(MemberInfo::role).thenComparing(MemberInfo::id))
        .forEach(m -> {
          JsonObject o = m.toJson().put("address", m.address()).put("live", r.isLive(m.id()));
          if (m.role() == Role.SHARD) {
            o.put("primarySlots", primaries.getOrDefault(m.id(), 0));
          }
          members.add(o);
        });
    ctx.json(new JsonObject().put("slots", r.slots()).put("placement", routing.placement().name())
        .put("replicationFactor", routing.replicationFactor()).put("members", members));
  }

  private void placement(RoutingContext ctx) {
    String collection = ctx.queryParams().get("collection");
    String key = ctx.queryParams().get("key");
    if (!Names.isCollection(collection)) {
      Problem.invalidField("collection", "query parameter collection is required and must be " + Names.COLLECTION_RULE)
          .send(ctx.response());
      return;
    }
    if (!Names.isKey(key)) {
      Problem.invalidField("key", "query parameter key is required and must be " + Names.KEY_RULE).send(ctx.response());
      return;
    }
    Route route = routing.current().route(collection, key);
    JsonArray replicas = new JsonArray();
    int rank = 0;
    for (Routing.Replica replica : route.replicas()) {
      MemberInfo m = replica.member();
      replicas.add(new JsonObject().put("id", replica.id()).put("address", m == null ? null : m.address())
          .put("live", replica.live()).put("role", rank++ == 0 ? "primary" : "successor"));
    }
    MemberInfo servedBy = route.servedBy();
    ctx.json(new JsonObject().put("collection", collection).put("key", key).put("slot", route.slot())
        .put("placement", routing.placement().name()).put("replicas", replicas)
        .put("servedBy", servedBy == null ? null : servedBy.id()));
  }
}
