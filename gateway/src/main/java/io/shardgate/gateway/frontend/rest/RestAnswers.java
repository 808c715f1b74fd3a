package io.shardgate.gateway.frontend.rest;

import io.shardgate.cluster.http.Problem;
import io.shardgate.cluster.protocol.Headers;
import io.shardgate.cluster.protocol.RecordVersions;
import io.shardgate.gateway.cache.CacheRead;
import io.shardgate.gateway.records.RecordResult;
import io.vertx.core.http.HttpServerResponse;

/**
 * Maps a {@link RecordResult} onto the REST API's answer: status, problem body, and the headers
 * {@code ETag}, {@code X-Served-By}, {@code X-Cache}, {@code Location}, {@code Retry-After}. Record bytes
 * are written as the service handed them over.
 */
final class RestAnswers {
  private final String collection;
  private final String path;
  private final String keyField;
  private final String retryAfter;
  private final RestStats stats;

  RestAnswers(String collection, String path, String keyField, int retryAfterSeconds, RestStats stats) {
    this.collection = collection;
    this.path = path;
    this.keyField = keyField;
    this.retryAfter = Integer.toString(retryAfterSeconds);
    this.stats = stats;
  }

  /**
   * @param key the key of the request, for a not-found detail (null for a create without one)
   * @param ifNoneMatch the read's If-None-Match, or null: a found record it names answers 304
   */
  void send(HttpServerResponse out, String key, RecordResult result, String ifNoneMatch) {
    if (out.ended()) {
      return; // the request deadline answered already
    }
    if (result instanceof RecordResult.Found f) {
      found(out, f, ifNoneMatch);
    } else if (result instanceof RecordResult.Written w) {
      written(out, w);
    } else if (result instanceof RecordResult.NotFound n) {
      from(out, n.servedBy(), n.cache());
      Problem.notFound(collection + "/" + key + " does not exist").send(out);
    } else if (result instanceof RecordResult.Conflict c) {
      conflict(out, c);
    } else if (result instanceof RecordResult.PreconditionFailed p) {
      if (p.currentVersion() != null) {
        out.putHeader(Headers.ETAG, RecordVersions.etag(p.currentVersion()));
      }
      from(out, p.servedBy(), null);
      Problem.of(412, "precondition-failed", "Precondition failed", p.detail()).send(out);
    } else if (result instanceof RecordResult.Invalid i) {
      from(out, i.servedBy(), null);
      Problem.badRequest(i.detail()).send(out);
    } else if (result instanceof RecordResult.Unavailable u) {
      from(out, u.servedBy(), u.cache());
      out.putHeader(Headers.RETRY_AFTER, retryAfter);
      Problem.unavailable(u.detail()).send(out);
    } else if (result instanceof RecordResult.NodeFailed f) {
      // A node's unexpected 5xx is the gateway's bad gateway; an unexpected 4xx is passed on.
      from(out, f.servedBy(), f.cache());
      Problem.forStatus(f.status() >= 500 ? 502 : f.status(), f.detail()).send(out);
    }
  }

  /** Refuses bad input, counted by its problem type. */
  void reject(HttpServerResponse out, Problem problem) {
    stats.rejected(Rejection.of(problem.type()));
    problem.send(out);
  }

  private void found(HttpServerResponse out, RecordResult.Found f, String ifNoneMatch) {
    String etag = RecordVersions.etag(f.version());
    out.putHeader(Headers.ETAG, etag);
    from(out, f.servedBy(), f.cache());
    if (ifNoneMatch != null && RecordVersions.noneMatchHits(ifNoneMatch, etag)) {
      out.setStatusCode(304).end();
    } else {
      out.putHeader(Headers.CONTENT_TYPE, Headers.JSON).setStatusCode(200).end(f.record());
    }
  }

  /** A create answers 201 with its Location; an update (a patch) 202, as the classic API does; a delete 204. */
  private void written(HttpServerResponse out, RecordResult.Written w) {
    out.putHeader(Headers.ETAG, RecordVersions.etag(w.version()));
    from(out, w.servedBy(), null);
    switch (w.change()) {
      case CREATED -> out.putHeader(Headers.LOCATION, path + "/" + w.key()).setStatusCode(201);
      case PATCHED -> out.setStatusCode(202);
      case REPLACED -> out.setStatusCode(200);
      case DELETED -> out.setStatusCode(204);
    }
    if (w.record() == null) {
      out.end();
    } else {
      out.putHeader(Headers.CONTENT_TYPE, Headers.JSON).end(w.record());
    }
  }

  private void conflict(HttpServerResponse out, RecordResult.Conflict c) {
    if (c.allocated()) {
      reject(out, Problem.of(409, "conflict", "Conflict", c.detail() + "; send an explicit " + keyField));
    } else {
      from(out, c.servedBy(), null);
      Problem.of(409, "conflict", "Conflict", c.detail()).send(out);
    }
  }

  private static void from(HttpServerResponse out, String servedBy, CacheRead.Status cache) {
    if (servedBy != null) {
      out.putHeader(Headers.SERVED_BY, servedBy);
    }
    if (cache != null) {
      out.putHeader(Headers.CACHE, cache.name());
    }
  }
}
