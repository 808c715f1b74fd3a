package io.shardgate.cluster.membership.impl;

import io.shardgate.cluster.membership.Backoff;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxException;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One dedicated connection SUBSCRIBEd to the change channel, shared by every listener of a registry.
 * A subscribed connection does not come back by itself: when it ends or fails, this re-opens it after
 * {@link Backoff} delays, re-subscribes, and then fires every listener once (a resync), because the
 * announcements published while it was down are gone.
 */
final class RedisSubscription {
  private static final Logger LOG = LoggerFactory.getLogger(RedisSubscription.class);
  private static final long SUBSCRIBE_TIMEOUT_MILLIS = 5_000;

  private final Vertx vertx;
  private final Redis client;
  private final String channel;
  private final String clientName;
  private final Backoff backoff;
  private final List<ChangeListener> listeners = new CopyOnWriteArrayList<>();

  // Guarded by this.
  private Future<Void> firstSubscribe;
  private Session current;
  private boolean closed;
  private long reconnectTimer = -1;
  private int failedAttempts;

  /** One connection's life; its callbacks can arrive after it was replaced, so each carries its own. */
  private static final class Session {
    final RedisConnection connection;
    final Promise<Void> subscribed = Promise.promise();
    boolean lost; // guarded by the enclosing RedisSubscription

    Session(RedisConnection connection) {
      this.connection = connection;
    }
  }

  RedisSubscription(Vertx vertx, Redis client, String channel, String clientName, Backoff backoff) {
    this.vertx = vertx;
    this.client = client;
    this.channel = channel;
    this.clientName = clientName;
    this.backoff = backoff;
  }

  /** Adds a listener; the first call opens the connection. Completes once the channel is subscribed. */
  Future<Void> add(ChangeListener listener) {
    Future<Void> subscribed;
    synchronized (this) {
      if (closed) {
        return Future.failedFuture(new IllegalStateException("registry is closed"));
      }
      listeners.add(listener);
      if (firstSubscribe == null) {
        firstSubscribe = open().compose(this::promoteFirst);
      }
      subscribed = firstSubscribe;
    }
    return subscribed.onFailure(e -> {
      listeners.remove(listener);
      synchronized (this) {
        if (firstSubscribe == subscribed) {
          firstSubscribe = null; // let a later subscribe() try again
        }
      }
    });
  }

  Future<Void> close() {
    Session session;
    synchronized (this) {
      closed = true;
      if (reconnectTimer != -1) {
        vertx.cancelTimer(reconnectTimer);
        reconnectTimer = -1;
      }
      session = current;
      current = null;
    }
    listeners.clear();
    Future<Void> closing = session == null ? Future.succeededFuture() : session.connection.close();
    return closing.transform(ar -> client.close());
  }

  private Future<Session> open() {
    return client.connect().compose(connection -> {
      Session session = new Session(connection);
      connection.handler(message -> onMessage(session, message));
      connection.exceptionHandler(e -> onLost(session, e));
      connection.endHandler(v -> onLost(session, null));
      // The name lets operators (and the reconnect test) find this connection in CLIENT LIST.
      return connection.send(Request.cmd(Command.CLIENT).arg("SETNAME").arg(clientName))
          .compose(r -> connection.send(Request.cmd(Command.SUBSCRIBE).arg(channel)))
          // SUBSCRIBE's future completes when written; the server's confirmation arrives as a message.
          .compose(r -> session.subscribed.future().timeout(SUBSCRIBE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS))
          .map(session)
          .onFailure(e -> connection.close());
    });
  }

  private Future<Void> promoteFirst(Session session) {
    boolean lostMeanwhile;
    synchronized (this) {
      if (closed) {
        session.connection.close();
        return Future.failedFuture(new IllegalStateException("registry is closed"));
      }
      lostMeanwhile = session.lost;
      if (!lostMeanwhile) {
        current = session;
      }
    }
    if (lostMeanwhile) {
      LOG.warn("Membership change channel {} was lost right after subscribing; reconnecting", channel);
      scheduleReconnect();
    }
    return Future.succeededFuture();
  }

  private void onMessage(Session session, Response message) {
    if (message == null || (message.type() != ResponseType.PUSH && message.type() != ResponseType.MULTI)
        || message.size() < 1 || message.get(0) == null) {
      return;
    }
    String kind = message.get(0).toString().toLowerCase(Locale.ROOT);
    if (kind.equals("subscribe")) {
      session.subscribed.tryComplete();
    } else if (kind.equals("message")) {
      fireAll();
    }
  }

  private void onLost(Session session, Throwable cause) {
    boolean reconnect;
    synchronized (this) {
      if (session.lost) {
        return; // end and exception handlers can both fire for one loss
      }
      session.lost = true;
      reconnect = session == current && !closed;
      if (session == current) {
        current = null;
      }
    }
    session.subscribed.tryFail(cause != null ? cause : new VertxException("connection closed", true));
    if (reconnect) {
      LOG.warn("Membership change channel {} lost ({}); reconnecting", channel,
          cause == null ? "connection closed" : cause.toString());
      scheduleReconnect();
    }
  }

  private void scheduleReconnect() {
    synchronized (this) {
      if (closed) {
        return;
      }
      long delay = Math.max(1, backoff.delayMillis(++failedAttempts));
      reconnectTimer = vertx.setTimer(delay, id -> reconnect());
    }
  }

  private void reconnect() {
    synchronized (this) {
      reconnectTimer = -1;
      if (closed) {
        return;
      }
    }
    open().onComplete(ar -> {
      if (ar.failed()) {
        LOG.debug("Re-subscribing to {} failed: {}", channel, ar.cause().toString());
        scheduleReconnect();
        return;
      }
      Session session = ar.result();
      int attempts;
      synchronized (this) {
        if (closed) {
          session.connection.close();
          return;
        }
        if (session.lost) {
          attempts = -1;
        } else {
          current = session;
          attempts = failedAttempts;
          failedAttempts = 0;
        }
      }
      if (attempts < 0) {
        scheduleReconnect();
        return;
      }
      LOG.info("Membership change channel {} re-subscribed after {} attempt(s); resyncing", channel, attempts);
      fireAll();
    });
  }

  private void fireAll() {
    for (ChangeListener listener : listeners) {
      listener.fire();
    }
  }
}
