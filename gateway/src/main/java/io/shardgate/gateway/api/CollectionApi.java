package io.shardgate.gateway.api;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.shardgate.cluster.config.Settings;
import io.shardgate.cluster.http.Problem;
import io.shardgate.cluster.ids.IdAllocator;
import io.shardgate.cluster.membership.MemberInfo;
import io.shardgate.gateway.backend.BackendResponse;
import io.shardgate.gateway.backend.BackendUnavailable;
import io.shardgate.gateway.backend.Failover;
import io.shardgate.gateway.backend.NodeClient;
import io.shardgate.gateway.cache.CacheRead;
import io.shardgate.gateway.cache.CollectionCache;
import io.shardgate.cluster.routing.RoutingTable;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The public REST API of one configured collection ({@code /v1/expenses} and its {@code /{id}}):
 * validates, picks the slot's serving node, and forwards to it. Node responses are forwarded as bytes.
 * Reads go through the collection's look-aside cache; acknowledged writes invalidate it.
 */
public final class CollectionApi {
  /** Server-assigned ids can collide with ids clients chose; try a bounded number of fresh ones. */
  private static final int MAX_ID_ATTEMPTS = 32;

  private final Settings.Collection collection;
  private final RecordValidator validator;
  private final RoutingTable routing;
  private final NodeClient nodes;
  private final Failover failover;
  private final CollectionCache cache;
  private final IdAllocator ids;
  private final MeterRegistry meters;
  private final String retryAfter;

  public CollectionApi(Settings.Collection collection, RoutingTable routing, NodeClient nodes, Failover failover,
      CollectionCache cache, IdAllocator ids, MeterRegistry meters, int retryAfterSeconds) {
    this.collection = collection;
    this.validator = new RecordValidator(collection);
    this.routing = routing;
    this.nodes = nodes;
    this.failover = failover;
    this.cache = cache;
    this.ids = ids;
    this.meters = meters;
    this.retryAfter = Integer.toString(retryAfterSeconds);
  }

  public void mount(Router router, int maxBodyBytes) {
    String base = collection.path();
    String item = base + "/:key";
    BodyHandler body = BodyHandler.create(false).setBodyLimit(maxBodyBytes);
    // Vert.x runs body handlers before user handlers on a route; the size limit applies either way.
    router.post(base).handler(body).handler(ctx -> op(ctx, "create")).handler(this::requireJson).handler(this::create);
    router.get(item).handler(ctx -> op(ctx, "read")).handler(this::read);
    router.put(item).handler(body).handler(ctx -> op(ctx, "update")).handler(this::requireJson).handler(this::update);
    router.delete(item).handler(ctx -> op(ctx, "delete")).handler(this::delete);
  }

  private void op(RoutingContext ctx, String op) {
    ctx.put(RequestMetrics.OP, collection.name() + "." + op);
    ctx.next();
  }

  private void requireJson(RoutingContext ctx) {
    String type = ctx.request().getHeader("content-type");
    String mime = type == null ? "" : type.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
    if (mime.equals("application/json") || (mime.startsWith("application/") && mime.endsWith("+json"))) {
      ctx.next();
    } else {
      reject(ctx, Problem.forStatus(415, "send the body as application/json (got " + (type == null ? "no content type" : type) + ")"));
    }
  }

  private void create(RoutingContext ctx) {
    JsonObject body = jsonBody(ctx);
    if (body == null) {
      return;
    }
    String key;
    try {
      key = validator.keyFromBody(body);
    } catch (ProblemException e) {
      reject(ctx, e.problem());
      return;
    }
    JsonObject fields = body.copy();
    fields.remove(collection.keyField());
    collection.defaults().forEach(e -> {
      if (!fields.containsKey(e.getKey())) {
        fields.put(e.getKey(), e.getValue());
      }
    });
    Problem invalid = validator.validateCreate(fields);
    if (invalid != null) {
      reject(ctx, invalid);
      return;
    }
    if (key != null) {
      insert(ctx, key, fields, false);
    } else {
      insertWithNewId(ctx, fields, 1);
    }
  }

  private void insertWithNewId(RoutingContext ctx, JsonObject fields, int attempt) {
    ids.next(collection.name()).onComplete(ar -> {
      if (ar.failed()) {
        unavailable(ctx, "no id could be allocated: " + ar.cause().getMessage(), "ids");
      } else {
        insert(ctx, Long.toString(ar.result()), fields, true).onSuccess(conflict -> {
          if (conflict && attempt < MAX_ID_ATTEMPTS) {
            insertWithNewId(ctx, fields, attempt + 1);
          } else if (conflict) {
            reject(ctx, Problem.of(409, "conflict", "Conflict", "no free id found in " + MAX_ID_ATTEMPTS
                + " attempts; send an explicit " + collection.keyField()));
          }
        });
      }
    });
  }

  /** Completes with true when the key existed and the caller chose to retry with another id. */
  private Future<Boolean> insert(RoutingContext ctx, String key, JsonObject fields, boolean retryOnConflict) {
    JsonObject doc = new JsonObject().put(collection.keyField(), key).mergeIn(fields);
    return forward(ctx, key, HttpMethod.POST, null, doc.toBuffer()).map(resp -> {
      if (resp == null) {
        return false;
      }
      if (resp.status() == 409 && retryOnConflict) {
        return true;
      }
      HttpServerResponse out = ctx.response();
      if (resp.status() == 201) {
        cache.written(ctx.vertx().getOrCreateContext(), key, resp);
        out.putHeader("Location", collection.path() + "/" + key);
      }
      relay(ctx, resp);
      return false;
    });
  }

  private void read(RoutingContext ctx) {
    String key = key(ctx);
    if (key == null) {
      return;
    }
    Context caller = ctx.vertx().getOrCreateContext();
    Supplier<Future<BackendResponse>> shardRead = () -> call(ctx, key, HttpMethod.GET, null, null);
    MultiMap headers = ctx.request().headers();
    // most GETs carry neither header: skip the parsing (and its lists) on the hot path
    boolean pastCache = (headers.contains("cache-control") || headers.contains("pragma"))
        && CacheControl.bypassRequested(headers.getAll("cache-control"), headers.getAll("pragma"));
    Future<CacheRead> reading = pastCache ? cache.readPastCache(caller, key, shardRead) : cache.read(caller, key, shardRead);
    reading.onComplete(ar -> {
      if (ctx.response().ended()) {
        return; // the request deadline answered already
      }
      if (ar.failed()) {
        unavailable(ctx, HttpMethod.GET, ar.cause());
        return;
      }
      CacheRead read = ar.result();
      BackendResponse resp = read.response();
      ctx.response().putHeader("X-Cache", read.status().name());
      String etag = resp.header("etag");
      String ifNoneMatch = ctx.request().getHeader("if-none-match");
      if (resp.status() == 200 && etag != null && ifNoneMatch != null && ETags.matches(ifNoneMatch, etag)) {
        copyHeaders(ctx, resp).setStatusCode(304).end();
      } else {
        relay(ctx, resp);
      }
    });
  }

  private void update(RoutingContext ctx) {
    String key = key(ctx);
    if (key == null) {
      return;
    }
    JsonObject patch = jsonBody(ctx);
    if (patch == null) {
      return;
    }
    if (patch.containsKey(collection.keyField())) {
      String sent;
      try {
        sent = validator.keyFromBody(patch);
      } catch (ProblemException e) {
        reject(ctx, e.problem());
        return;
      }
      if (!key.equals(sent)) {
        reject(ctx, Problem.invalidField(collection.keyField(), collection.keyField() + " in the body (" + sent
            + ") differs from the one in the URL (" + key + "); ids cannot be changed"));
        return;
      }
      patch.remove(collection.keyField());
    }
    Problem invalid = validator.validateUpdate(patch);
    if (invalid != null) {
      reject(ctx, invalid);
      return;
    }
    MultiMap headers = precondition(ctx);
    if (headers == null) {
      return;
    }
    forward(ctx, key, HttpMethod.PATCH, headers, patch.toBuffer()).onSuccess(resp -> {
      if (resp != null) {
        if (resp.status() == 200) {
          cache.written(ctx.vertx().getOrCreateContext(), key, resp);
        }
        relay(ctx, resp.status() == 200 ? new BackendResponse(202, resp.headers(), resp.body()) : resp);
      }
    });
  }

  private void delete(RoutingContext ctx) {
    String key = key(ctx);
    if (key == null) {
      return;
    }
    MultiMap headers = precondition(ctx);
    if (headers == null) {
      return;
    }
    forward(ctx, key, HttpMethod.DELETE, headers, null).onSuccess(resp -> {
      if (resp != null) {
        if (resp.status() == 204) {
          cache.written(ctx.vertx().getOrCreateContext(), key, resp);
        }
        relay(ctx, resp);
      }
    });
  }

  /** If-Match passed to the node in its simple form ("version" or *); null after answering 400. */
  private MultiMap precondition(RoutingContext ctx) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    String ifMatch = ctx.request().getHeader("if-match");
    if (ifMatch != null) {
      Long version = ETags.parseSingle(ifMatch);
      if (version == null && !ifMatch.trim().equals("*")) {
        reject(ctx, Problem.of(400, "bad-precondition", "Bad precondition",
            "If-Match must be * or one ETag as returned by GET, e.g. \"3\"; got " + ifMatch));
        return null;
      }
      headers.set("if-match", version == null ? "*" : "\"" + version + "\"");
    }
    return headers;
  }

  /**
   * Sends the request to the replica that should answer it (see {@link Failover}). Completes with the
   * node's response, or with null after having answered the client (503) itself.
   */
  private Future<BackendResponse> forward(RoutingContext ctx, String key, HttpMethod method, MultiMap headers,
      Buffer body) {
    return call(ctx, key, method, headers, body).recover(e -> {
      unavailable(ctx, method, e);
      return Future.succeededFuture();
    });
  }

  /** The node's response, or a failure when no replica could give one. */
  private Future<BackendResponse> call(RoutingContext ctx, String key, HttpMethod method, MultiMap headers,
      Buffer body) {
    int slot = routing.current().slotOf(collection.name(), key);
    ctx.put("slot", slot);
    MultiMap h = headers == null ? MultiMap.caseInsensitiveMultiMap() : headers;
    h.set("x-request-id", (String) ctx.get(RequestIds.KEY));
    if (body != null) {
      h.set("content-type", "application/json");
    }
    String uri = "/records/" + collection.name() + "/" + key;
    Function<MemberInfo, Future<BackendResponse>> call = node -> nodes.call(node, method, uri, h, body);
    return method == HttpMethod.GET ? failover.read(slot, call) : failover.write(slot, call);
  }

  private void unavailable(RoutingContext ctx, HttpMethod method, Throwable e) {
    BackendUnavailable bu = e instanceof BackendUnavailable b ? b : new BackendUnavailable("closed", e.toString());
    String detail = bu.getMessage();
    if (method != HttpMethod.GET && bu.reason().equals("timeout")) {
      detail += "; the write may or may not have been applied";
    }
    unavailable(ctx, detail, bu.reason());
  }

  private void relay(RoutingContext ctx, BackendResponse resp) {
    if (ctx.response().ended()) {
      return; // the request deadline answered already
    }
    HttpServerResponse out = copyHeaders(ctx, resp).setStatusCode(resp.status() >= 500 && resp.status() != 503 ? 502 : resp.status());
    String type = resp.header("content-type");
    if (type != null) {
      out.putHeader("content-type", type);
    }
    if (resp.status() == 503) {
      out.putHeader("Retry-After", retryAfter);
    }
    if (resp.status() == 204 || resp.status() == 304) {
      out.end();
    } else {
      out.end(resp.body());
    }
  }

  private static HttpServerResponse copyHeaders(RoutingContext ctx, BackendResponse resp) {
    HttpServerResponse out = ctx.response();
    for (String name : new String[] {"etag", "x-served-by"}) {
      String v = resp.header(name);
      if (v != null) {
        out.putHeader(name, v);
      }
    }
    return out;
  }

  private String key(RoutingContext ctx) {
    String key = ctx.pathParam("key");
    Problem p = validator.checkKey(key);
    if (p != null) {
      reject(ctx, Problem.of(400, "bad-key", "Bad key", p.detail()));
      return null;
    }
    return key;
  }

  private JsonObject jsonBody(RoutingContext ctx) {
    Buffer buffer = ctx.body().buffer();
    if (buffer == null || buffer.length() == 0) {
      reject(ctx, Problem.badRequest("the body is empty; send a JSON object"));
      return null;
    }
    Object parsed;
    try {
      parsed = io.vertx.core.json.Json.decodeValue(buffer);
    } catch (DecodeException e) {
      reject(ctx, Problem.of(400, "malformed-json", "Malformed JSON", "the body is not valid JSON: " + shorten(e.getMessage())));
      return null;
    }
    if (!(parsed instanceof JsonObject object)) {
      reject(ctx, Problem.badRequest("the body must be a JSON object, got " + (parsed == null ? "null" : "a "
          + parsed.getClass().getSimpleName().replace("Json", "").toLowerCase(java.util.Locale.ROOT))));
      return null;
    }
    return object;
  }

  private static String shorten(String message) {
    if (message == null) {
      return "";
    }
    String firstLine = message.split("\n", 2)[0];
    return firstLine.length() > 200 ? firstLine.substring(0, 200) + "…" : firstLine;
  }

  private void reject(RoutingContext ctx, Problem problem) {
    Counter.builder("shardgate_gateway_rejected_total").tag("collection", collection.name()).tag("type", problem.type())
        .register(meters).increment();
    problem.send(ctx.response());
  }

  private void unavailable(RoutingContext ctx, String detail, String reason) {
    Counter.builder("shardgate_gateway_unavailable_total").tag("collection", collection.name()).tag("reason", reason)
        .register(meters).increment();
    ctx.response().putHeader("Retry-After", retryAfter);
    Problem.unavailable(detail).send(ctx.response());
  }
}
