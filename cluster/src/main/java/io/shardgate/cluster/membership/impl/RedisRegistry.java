package io.shardgate.cluster.membership.impl;

import io.shardgate.cluster.membership.Backoff;
import io.shardgate.cluster.membership.MemberInfo;
import io.shardgate.cluster.membership.MembershipView;
import io.shardgate.cluster.membership.RedisKeys;
import io.shardgate.cluster.membership.RedisRegistryOptions;
import io.shardgate.cluster.membership.Registry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster-mode registry. Layout (see docs/membership.md): a hash of members, one PX-ttl string per
 * lease, and a channel on which every change is announced. Commands use a pooled client; the channel
 * has a connection of its own ({@link RedisSubscription}) because a subscribed connection can run no
 * other command. Requires Redis 6.2 or later (SET ... GET).
 */
public final class RedisRegistry implements Registry {
  private static final Logger LOG = LoggerFactory.getLogger(RedisRegistry.class);

  // Delete the lease only if it is still ours: a restarted node's new lease must survive the old
  // incarnation's late release.
  private static final String RELEASE_IF_OURS =
      "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

  private final RedisKeys keys;
  private final String incarnation = UUID.randomUUID().toString();
  private final Redis commands;
  private final RedisSubscription subscription;
  private final String subscriberName;
  // Malformed member entries are skipped; remember them so a bad entry is logged once, not every resync.
  private final Set<String> reportedBadEntries = ConcurrentHashMap.newKeySet();

  public RedisRegistry(Vertx vertx, RedisRegistryOptions options, Backoff backoff) {
    Objects.requireNonNull(vertx, "vertx");
    Objects.requireNonNull(backoff, "backoff");
    this.keys = options.keys();
    this.commands = Redis.createClient(vertx, options.redisOptions());
    Redis subscriber = Redis.createClient(vertx, options.redisOptions().setMaxPoolSize(1).setMaxPoolWaiting(1));
    this.subscriberName = "shardgate." + keys.clusterName() + ".subscriber." + incarnation;
    this.subscription = new RedisSubscription(vertx, subscriber, keys.events(), subscriberName, backoff);
  }

  /** Written into lease keys: tells this process's leases apart from a previous incarnation's. */
  public String incarnation() {
    return incarnation;
  }

  /** The CLIENT SETNAME of the change-channel connection. */
  public String subscriberName() {
    return subscriberName;
  }

  @Override
  public Future<Void> join(MemberInfo member) {
    Objects.requireNonNull(member, "member");
    return commands.batch(List.of(
            Request.cmd(Command.HSET).arg(keys.members()).arg(member.id()).arg(member.toJson().encode()),
            announcement("join", member.id())))
        .mapEmpty();
  }

  @Override
  public Future<Void> remove(String memberId) {
    Objects.requireNonNull(memberId, "memberId");
    return commands.batch(List.of(
            Request.cmd(Command.HDEL).arg(keys.members()).arg(memberId),
            Request.cmd(Command.DEL).arg(keys.lease(memberId)),
            announcement("remove", memberId)))
        .mapEmpty();
  }

  @Override
  public Future<Boolean> renewLease(String memberId, long ttlMillis) {
    Objects.requireNonNull(memberId, "memberId");
    if (ttlMillis <= 0) {
      return Future.failedFuture(new IllegalArgumentException("lease ttl must be positive, got " + ttlMillis));
    }
    // GET returns the previous value atomically: absent (or another incarnation's) means the lease was
    // just taken, which is worth announcing; a plain refresh is not.
    Request set = Request.cmd(Command.SET).arg(keys.lease(memberId)).arg(incarnation).arg("PX").arg(ttlMillis)
        .arg("GET");
    return commands.send(set).compose(previous -> {
      if (previous != null && incarnation.equals(previous.toString())) {
        return Future.succeededFuture(true);
      }
      return commands.send(announcement("lease-taken", memberId)).map(false);
    });
  }

  @Override
  public Future<Void> releaseLease(String memberId) {
    Objects.requireNonNull(memberId, "memberId");
    Request release = Request.cmd(Command.EVAL).arg(RELEASE_IF_OURS).arg(1).arg(keys.lease(memberId)).arg(incarnation);
    return commands.send(release).compose(deleted -> {
      if (deleted == null || deleted.toLong() == 0) {
        return Future.succeededFuture();
      }
      return commands.send(announcement("lease-released", memberId)).mapEmpty();
    });
  }

  @Override
  public Future<MembershipView> fetch() {
    return commands.send(Request.cmd(Command.HGETALL).arg(keys.members())).compose(hash -> {
      Map<String, MemberInfo> members = parseMembers(hash);
      if (members.isEmpty()) {
        return Future.succeededFuture(MembershipView.EMPTY);
      }
      List<String> ids = new ArrayList<>(members.keySet());
      Request mget = Request.cmd(Command.MGET);
      for (String id : ids) {
        mget.arg(keys.lease(id));
      }
      return commands.send(mget).map(leases -> {
        Set<String> live = new HashSet<>();
        for (int i = 0; i < ids.size(); i++) {
          if (leases.get(i) != null) {
            live.add(ids.get(i));
          }
        }
        return new MembershipView(members, live);
      });
    });
  }

  /**
   * Runs {@code onChange} (on the caller's context) for every announcement, and once after each
   * re-subscription. The returned future completes when the channel is first subscribed; it is not
   * followed by a call, since the caller fetches anyway.
   */
  @Override
  public Future<Void> subscribe(Runnable onChange) {
    return subscription.add(ChangeListener.capture(onChange));
  }

  @Override
  public Future<Void> close() {
    return subscription.close().transform(ar -> commands.close());
  }

  private Request announcement(String type, String memberId) {
    String message = new JsonObject().put("type", type).put("member", memberId).encode();
    return Request.cmd(Command.PUBLISH).arg(keys.events()).arg(message);
  }

  private Map<String, MemberInfo> parseMembers(Response hash) {
    Map<String, MemberInfo> members = new LinkedHashMap<>();
    for (Map.Entry<String, String> field : fields(hash).entrySet()) {
      try {
        MemberInfo member = MemberInfo.fromJson(new JsonObject(field.getValue()));
        if (!member.id().equals(field.getKey())) {
          throw new IllegalArgumentException("id " + member.id() + " does not match its field");
        }
        members.put(member.id(), member);
      } catch (RuntimeException e) {
        if (reportedBadEntries.add(field.getKey() + '\n' + field.getValue())) {
          LOG.warn("Ignoring malformed member entry '{}' in {}: {}", field.getKey(), keys.members(), e.toString());
        }
      }
    }
    return members;
  }

  /** HGETALL is a map under RESP3 and a flat field/value array under RESP2. */
  private static Map<String, String> fields(Response hash) {
    Map<String, String> fields = new HashMap<>();
    if (hash == null) {
      return fields;
    }
    if (hash.isMap()) {
      for (String field : hash.getKeys()) {
        fields.put(field, hash.get(field).toString());
      }
    } else {
      for (int i = 0; i + 1 < hash.size(); i += 2) {
        fields.put(hash.get(i).toString(), hash.get(i + 1).toString());
      }
    }
    return fields;
  }
}
