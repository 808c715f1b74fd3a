package io.shardgate.gateway.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardgate.cluster.membership.MemberInfo;
import io.shardgate.cluster.membership.MembershipView;
import io.shardgate.cluster.membership.Role;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CachePlacementTest {
  private static final int KEYS = 30_000;

  @Test
  void equalNodesGetAnEqualShareOfRecords() {
    MembershipView view = view(List.of(cache("cache-1", 1), cache("cache-2", 1), cache("cache-3", 1)),
        Set.of("cache-1", "cache-2", "cache-3"));
    Map<String, Integer> counts = counts(view);
    assertThat(counts).containsOnlyKeys("cache-1", "cache-2", "cache-3");
    // Binomial(30000, 1/3): one standard deviation is about 82 records; 500 is six of them.
    assertThat(counts.values()).allSatisfy(n -> assertThat(n).isBetween(KEYS / 3 - 500, KEYS / 3 + 500));
  }

  @Test
  void sharesFollowTheWeights() {
    MembershipView view = view(List.of(cache("big", 2), cache("small-1", 1), cache("small-2", 1)),
        Set.of("big", "small-1", "small-2"));
    Map<String, Integer> counts = counts(view);
    assertThat(counts.get("big")).isBetween(KEYS / 2 - 600, KEYS / 2 + 600);
    assertThat(counts.get("small-1")).isBetween(KEYS / 4 - 600, KEYS / 4 + 600);
  }

  @Test
  void aDeadNodesRecordsMoveToTheOthersAndNoOtherRecordMoves() {
    List<MemberInfo> members = List.of(cache("cache-1", 1), cache("cache-2", 1), cache("cache-3", 1), cache("cache-4", 1));
    MembershipView all = view(members, Set.of("cache-1", "cache-2", "cache-3", "cache-4"));
    MembershipView oneDead = view(members, Set.of("cache-1", "cache-2", "cache-4"));
    int moved = 0;
    Set<String> heirs = new HashSet<>();
    for (int i = 0; i < KEYS; i++) {
      String key = Integer.toString(i);
      String before = CachePlacement.choose(all, "expenses", key).id();
      String after = CachePlacement.choose(oneDead, "expenses", key).id();
      if (before.equals("cache-3")) {
        assertThat(after).isNotEqualTo("cache-3");
        heirs.add(after);
        moved++;
      } else {
        assertThat(after).as("key %s", key).isEqualTo(before);
      }
    }
    assertThat(moved).isBetween(KEYS / 4 - 500, KEYS / 4 + 500);
    assertThat(heirs).containsExactlyInAnyOrder("cache-1", "cache-2", "cache-4");
  }

  @Test
  void onlyLiveCacheMembersAreChosen() {
    MemberInfo shard = new MemberInfo("shard-1", Role.SHARD, "127.0.0.1", 9001, 1);
    MemberInfo gateway = new MemberInfo("gw", Role.GATEWAY, "127.0.0.1", 8080, 1);
    MemberInfo down = cache("cache-down", 1);
    MemberInfo up = cache("cache-up", 1);
    MembershipView view = view(List.of(shard, gateway, down, up), Set.of("shard-1", "gw", "cache-up"));
    for (int i = 0; i < 200; i++) {
      assertThat(CachePlacement.choose(view, "expenses", Integer.toString(i))).isEqualTo(up);
    }
    assertThat(CachePlacement.choose(view(List.of(shard, down), Set.of("shard-1")), "expenses", "1")).isNull();
    assertThat(CachePlacement.choose(MembershipView.EMPTY, "expenses", "1")).isNull();
  }

  @Test
  void theCollectionIsPartOfTheChoice() {
    MembershipView view = view(List.of(cache("cache-1", 1), cache("cache-2", 1), cache("cache-3", 1)),
        Set.of("cache-1", "cache-2", "cache-3"));
    int differ = 0;
    for (int i = 0; i < 3000; i++) {
      String key = Integer.toString(i);
      if (!CachePlacement.choose(view, "expenses", key).equals(CachePlacement.choose(view, "notes", key))) {
        differ++;
      }
    }
    // Independent choices differ two times in three.
    assertThat(differ).isBetween(1800, 2200);
  }

  private static Map<String, Integer> counts(MembershipView view) {
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < KEYS; i++) {
      counts.merge(CachePlacement.choose(view, "expenses", Integer.toString(i)).id(), 1, Integer::sum);
    }
    return counts;
  }

  private static MemberInfo cache(String id, double weight) {
    return new MemberInfo(id, Role.CACHE, "127.0.0.1", 7000 + Math.abs(id.hashCode() % 1000), weight);
  }

  private static MembershipView view(List<MemberInfo> members, Set<String> live) {
    Map<String, MemberInfo> byId = new HashMap<>();
    members.forEach(m -> byId.put(m.id(), m));
    return new MembershipView(byId, live);
  }
}
