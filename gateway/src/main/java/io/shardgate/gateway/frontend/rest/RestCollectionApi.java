package io.shardgate.gateway.frontend.rest;

import io.shardgate.cluster.config.Settings;
import io.shardgate.cluster.http.Problem;
import io.shardgate.cluster.protocol.Headers;
import io.shardgate.gateway.http.ProblemException;
import io.shardgate.gateway.http.RequestIds;
import io.shardgate.gateway.http.RequestMetrics;
import io.shardgate.gateway.records.IfMatch;
import io.shardgate.gateway.records.RecordResult;
import io.shardgate.gateway.records.RecordService;
import io.vertx.core.AsyncResult;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * The REST API of one configured collection ({@code /v1/expenses} and its {@code /{id}}): reads the
 * request, validates it against the collection's schema and key rule, asks the {@link RecordService}
 * and maps its result ({@link RestAnswers}). Where a record lives, the cache and failover are the
 * service's business.
 */
public final class RestCollectionApi {
  private final Settings.Collection collection;
  private final RecordValidator validator;
  private final RecordService records;
  private final RestAnswers answers;
  private final String createOp;
  private final String readOp;
  private final String updateOp;
  private final String deleteOp;

  public RestCollectionApi(Settings.Collection collection, RecordService records, RestStats stats,
      int retryAfterSeconds) {
    this.collection = collection;
    this.validator = new RecordValidator(collection);
    this.records = records;
    this.answers = new RestAnswers(collection.name(), collection.path(), collection.keyField(), retryAfterSeconds, stats);
    this.createOp = collection.name() + ".create";
    this.readOp = collection.name() + ".read";
    this.updateOp = collection.name() + ".update";
    this.deleteOp = collection.name() + ".delete";
  }

  public void mount(Router router, int maxBodyBytes) {
    String base = collection.path();
    String item = base + "/:key";
    BodyHandler body = BodyHandler.create(false).setBodyLimit(maxBodyBytes);
    // Vert.x runs body handlers before user handlers on a route; the size limit applies either way.
    router.post(base).handler(body).handler(op(createOp)).handler(refusing(this::requireJson)).handler(refusing(this::create));
    router.get(item).handler(op(readOp)).handler(refusing(this::read));
    router.put(item).handler(body).handler(op(updateOp)).handler(refusing(this::requireJson)).handler(refusing(this::update));
    router.delete(item).handler(op(deleteOp)).handler(refusing(this::delete));
  }

  private static Handler<RoutingContext> op(String name) {
    return ctx -> {
      ctx.put(RequestMetrics.OP, name);
      ctx.next();
    };
  }

  /** Bad input anywhere in a handler ends in one place: a counted problem answer. */
  private Handler<RoutingContext> refusing(Handler<RoutingContext> handler) {
    return ctx -> {
      try {
        handler.handle(ctx);
      } catch (ProblemException e) {
        answers.reject(ctx.response(), e.problem());
      }
    };
  }

  private void requireJson(RoutingContext ctx) {
    RestRequests.requireJson(ctx.request().getHeader(Headers.CONTENT_TYPE));
    ctx.next();
  }

  private void create(RoutingContext ctx) {
    JsonObject body = RestRequests.jsonObject(ctx.body().buffer());
    String key = validator.keyFromBody(body);
    JsonObject fields = body.copy();
    fields.remove(collection.keyField());
    collection.defaults().forEach(e -> {
      if (!fields.containsKey(e.getKey())) {
        fields.put(e.getKey(), e.getValue());
      }
    });
    check(validator.validateCreate(fields));
    records.create(key, k -> new JsonObject().put(collection.keyField(), k).mergeIn(fields).toBuffer(), requestId(ctx))
        .onComplete(ar -> answer(ctx, key, ar, null));
  }

  private void read(RoutingContext ctx) {
    String key = key(ctx);
    MultiMap headers = ctx.request().headers();
    // most GETs carry neither header: skip the parsing (and its lists) on the hot path
    boolean pastCache = (headers.contains(Headers.CACHE_CONTROL) || headers.contains(Headers.PRAGMA))
        && CacheControl.bypassRequested(headers.getAll(Headers.CACHE_CONTROL), headers.getAll(Headers.PRAGMA));
    String ifNoneMatch = headers.get(Headers.IF_NONE_MATCH);
    records.get(key, pastCache ? RecordService.ReadFrom.SHARD : RecordService.ReadFrom.CACHE_OR_SHARD, requestId(ctx))
        .onComplete(ar -> answer(ctx, key, ar, ifNoneMatch));
  }

  /** PUT is a partial update (the classic API's): the sent fields are merged into the record. */
  private void update(RoutingContext ctx) {
    String key = key(ctx);
    JsonObject patch = RestRequests.jsonObject(ctx.body().buffer());
    if (patch.containsKey(collection.keyField())) {
      String sent = validator.keyFromBody(patch);
      if (!key.equals(sent)) {
        throw new ProblemException(Problem.invalidField(collection.keyField(), collection.keyField() + " in the body ("
            + sent + ") differs from the one in the URL (" + key + "); ids cannot be changed"));
      }
      patch.remove(collection.keyField());
    }
    check(validator.validateUpdate(patch));
    IfMatch ifMatch = RestRequests.ifMatch(ctx.request().getHeader(Headers.IF_MATCH));
    records.patch(key, patch.toBuffer(), ifMatch, requestId(ctx)).onComplete(ar -> answer(ctx, key, ar, null));
  }

  private void delete(RoutingContext ctx) {
    String key = key(ctx);
    IfMatch ifMatch = RestRequests.ifMatch(ctx.request().getHeader(Headers.IF_MATCH));
    records.delete(key, ifMatch, requestId(ctx)).onComplete(ar -> answer(ctx, key, ar, null));
  }

  private void answer(RoutingContext ctx, String key, AsyncResult<RecordResult> ar, String ifNoneMatch) {
    if (ar.succeeded()) {
      answers.send(ctx.response(), key, ar.result(), ifNoneMatch);
    } else {
      ctx.fail(ar.cause()); // a bug: the service answers every outcome as a result
    }
  }

  private String key(RoutingContext ctx) {
    String key = ctx.pathParam("key");
    Problem p = validator.checkKey(key);
    if (p != null) {
      throw new ProblemException(Problem.of(400, "bad-key", "Bad key", p.detail()));
    }
    return key;
  }

  private static void check(Problem invalid) {
    if (invalid != null) {
      throw new ProblemException(invalid);
    }
  }

  private static String requestId(RoutingContext ctx) {
    return ctx.get(RequestIds.KEY);
  }
}
