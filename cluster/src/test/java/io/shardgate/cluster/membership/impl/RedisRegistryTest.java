package io.shardgate.cluster.membership.impl;

import static io.shardgate.cluster.membership.RedisTestSupport.REDIS_URL;
import static io.shardgate.cluster.membership.RedisTestSupport.await;
import static io.shardgate.cluster.membership.RedisTestSupport.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;

import io.shardgate.cluster.membership.MemberInfo;
import io.shardgate.cluster.membership.MembershipView;
import io.shardgate.cluster.membership.RedisRegistryOptions;
import io.shardgate.cluster.membership.RedisTestSupport;
import io.shardgate.cluster.membership.Role;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Against the real Redis at {@link RedisTestSupport#REDIS_URL}; each test has a cluster of its own. */
class RedisRegistryTest {
  private Vertx vertx;
  private Redis admin;
  private String cluster;
  private final List<RedisRegistry> registries = new ArrayList<>();
  private final List<RedisConnection> rawConnections = new ArrayList<>();

  @BeforeEach
  void setUp() {
    vertx = RedisTestSupport.vertx();
    admin = Redis.createClient(vertx, REDIS_URL);
    cluster = RedisTestSupport.uniqueClusterName("registry");
  }

  @AfterEach
  void tearDown() {
    registries.forEach(r -> await(r.close()));
    rawConnections.forEach(c -> await(c.close()));
    RedisTestSupport.deleteClusterKeys(admin, cluster);
    await(admin.close());
    await(vertx.close());
  }

  /** A registry as another process would have it: own clients, own incarnation. */
  private RedisRegistry registry() {
    RedisRegistry registry = new RedisRegistry(vertx, RedisRegistryOptions.of(REDIS_URL, cluster), attempt -> 50);
    registries.add(registry);
    return registry;
  }

  private static MemberInfo shard(String id, int port) {
    return new MemberInfo(id, Role.SHARD, "127.0.0.1", port, 1.0);
  }

  @Test
  void joinFetchRemoveRoundTrip() {
    RedisRegistry registry = registry();
    await(registry.join(shard("shard-1", 9101)));
    await(registry.join(shard("shard-2", 9102)));
    await(registry.renewLease("shard-2", 10_000));

    MembershipView view = await(registry().fetch());
    assertThat(view.members()).containsOnlyKeys("shard-1", "shard-2");
    assertThat(view.members().get("shard-1")).isEqualTo(shard("shard-1", 9101));
    assertThat(view.live()).containsExactly("shard-2");

    await(registry.remove("shard-2"));

    MembershipView after = await(registry.fetch());
    assertThat(after.members()).containsOnlyKeys("shard-1");
    assertThat(after.live()).isEmpty();
    assertThat(await(admin.send(Request.cmd(Command.EXISTS).arg("shardgate:" + cluster + ":lease:shard-2"))).toInteger())
        .as("remove deletes the lease too").isZero();
  }

  @Test
  void storesTheDocumentedKeyLayout() {
    RedisRegistry registry = registry();
    await(registry.join(shard("shard-1", 9101)));
    await(registry.renewLease("shard-1", 10_000));

    Response member = await(admin.send(Request.cmd(Command.HGET).arg("shardgate:" + cluster + ":members").arg("shard-1")));
    Response lease = await(admin.send(Request.cmd(Command.PTTL).arg("shardgate:" + cluster + ":lease:shard-1")));

    assertThat(MemberInfo.fromJson(new JsonObject(member.toString()))).isEqualTo(shard("shard-1", 9101));
    assertThat(lease.toLong()).isBetween(1L, 10_000L);
  }

  @Test
  void leaseExpiresAfterItsTtl() {
    RedisRegistry registry = registry();
    await(registry.join(shard("shard-1", 9101)));
    await(registry.renewLease("shard-1", 300));
    assertThat(await(registry.fetch()).isLive("shard-1")).isTrue();

    awaitCondition("the lease to expire", () -> !await(registry.fetch()).isLive("shard-1"));

    assertThat(await(registry.fetch()).members()).containsKey("shard-1");
  }

  @Test
  void releaseGivesUpOnlyThisIncarnationsLease() {
    RedisRegistry node = registry();
    RedisRegistry previousIncarnation = registry();
    await(node.join(shard("shard-1", 9101)));
    await(node.renewLease("shard-1", 10_000));

    await(previousIncarnation.releaseLease("shard-1"));
    assertThat(await(node.fetch()).isLive("shard-1")).isTrue();

    await(node.releaseLease("shard-1"));
    assertThat(await(node.fetch()).isLive("shard-1")).isFalse();
  }

  @Test
  void ignoresMalformedMemberEntries() {
    RedisRegistry registry = registry();
    await(registry.join(shard("shard-1", 9101)));
    await(admin.send(Request.cmd(Command.HSET).arg("shardgate:" + cluster + ":members").arg("junk").arg("{not json")));

    assertThat(await(registry.fetch()).members()).containsOnlyKeys("shard-1");
  }

  @Test
  void announcementReachesASubscriberOfAnotherRegistry() {
    RedisRegistry gateway = registry();
    AtomicInteger changes = new AtomicInteger();
    await(gateway.subscribe(changes::incrementAndGet));

    await(registry().join(shard("shard-1", 9101)));

    awaitCondition("the join announcement", () -> changes.get() == 1);
  }

  @Test
  void announcesJoinsLeasesTakenAfterAbsenceAndReleases() {
    RedisRegistry registry = registry();
    List<String> announced = subscribeRaw();

    await(registry.renewLease("shard-1", 10_000));
    await(registry.renewLease("shard-1", 10_000)); // a plain refresh: not announced
    await(registry.join(shard("shard-1", 9101)));
    await(registry.releaseLease("shard-1"));
    await(registry.remove("shard-1"));

    awaitCondition("four announcements", () -> announced.size() >= 4);
    assertThat(announced).containsExactly("lease-taken:shard-1", "join:shard-1", "lease-released:shard-1",
        "remove:shard-1");
  }

  @Test
  void subscriberReconnectsAfterItsConnectionIsKilledThenResyncsAndReceivesLaterAnnouncements() {
    RedisRegistry gateway = registry();
    AtomicInteger changes = new AtomicInteger();
    await(gateway.subscribe(changes::incrementAndGet));
    long killedId = subscriberClientId(gateway.subscriberName()).orElseThrow();

    Response killed = await(admin.send(Request.cmd(Command.CLIENT).arg("KILL").arg("ID").arg(killedId)));
    assertThat(killed.toInteger()).isEqualTo(1);

    awaitCondition("the resync after re-subscribing", () -> changes.get() == 1);
    Optional<Long> newId = subscriberClientId(gateway.subscriberName());
    assertThat(newId).isPresent().isNotEqualTo(Optional.of(killedId));

    await(registry().join(shard("shard-1", 9101)));

    awaitCondition("the announcement on the new connection", () -> changes.get() == 2);
  }

  /** Subscribes a plain connection to the cluster's channel; returns "type:member" of each message. */
  private List<String> subscribeRaw() {
    List<String> messages = new CopyOnWriteArrayList<>();
    AtomicInteger confirmations = new AtomicInteger();
    RedisConnection connection = await(admin.connect());
    rawConnections.add(connection);
    connection.handler(push -> {
      String kind = push.get(0).toString();
      if (kind.equals("subscribe")) {
        confirmations.incrementAndGet();
      } else if (kind.equals("message")) {
        JsonObject message = new JsonObject(push.get(2).toString());
        messages.add(message.getString("type") + ":" + message.getString("member"));
      }
    });
    await(connection.send(Request.cmd(Command.SUBSCRIBE).arg("shardgate:" + cluster + ":events")));
    awaitCondition("the subscription to be confirmed", () -> confirmations.get() == 1);
    return messages;
  }

  private Optional<Long> subscriberClientId(String name) {
    String clients = await(admin.send(Request.cmd(Command.CLIENT).arg("LIST"))).toString();
    for (String line : clients.split("\n")) {
      if (line.contains(" name=" + name + " ")) {
        for (String field : line.split(" ")) {
          if (field.startsWith("id=")) {
            return Optional.of(Long.parseLong(field.substring(3)));
          }
        }
      }
    }
    return Optional.empty();
  }
}
