package io.shardgate.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shardgate.cluster.config.ConfigLoader;
import io.shardgate.cluster.config.Settings;
import io.shardgate.cluster.placement.KeyHash;
import io.shardgate.cluster.placement.Placement;
import io.shardgate.cluster.routing.Routing;
import io.shardgate.cluster.membership.MemberInfo;
import io.shardgate.cluster.membership.MembershipView;
import io.shardgate.cluster.membership.Role;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class PlacementCommandTest {
  private static final Settings.Shardgate SHIPPED =
      ConfigLoader.load(Path.of("../conf/shardgate.json"), Map.of(), List.of());

  private static List<String> run(String input) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int rc = PlacementCommand.run(SHIPPED, "expenses", new BufferedReader(new StringReader(input)),
        new PrintStream(bytes, true, StandardCharsets.UTF_8));
    assertThat(rc).isZero();
    return bytes.toString(StandardCharsets.UTF_8).lines().toList();
  }

  @Test
  void printsTheSameReplicasAsTheRoutingAGatewayComputesWhenEveryConfiguredNodeIsAMember() throws Exception {
    Settings.Cluster c = SHIPPED.cluster();
    Map<String, MemberInfo> members = SHIPPED.shardNodes().stream()
        .map(n -> new MemberInfo(n.id(), Role.SHARD, n.host(), n.port(), n.weight()))
        .collect(Collectors.toMap(MemberInfo::id, m -> m));
    Routing routing = Routing.compute(Placement.named(c.placement(), c.ringVirtualNodes()), c.slots(),
        c.replicationFactor(), new MembershipView(members, members.keySet()));
    List<String> lines = run("1\n\n  b42 \nb7\n");
    assertThat(lines).hasSize(3);
    for (String line : lines) {
      String[] f = line.split("\t");
      int slot = routing.slotOf("expenses", f[0]);
      assertThat(Integer.parseInt(f[1])).isEqualTo(slot).isEqualTo(KeyHash.slot("expenses", f[0], c.slots()));
      assertThat(List.of(f).subList(2, f.length)).isEqualTo(routing.replicaIds(slot)).hasSize(c.replicationFactor());
    }
    assertThat(lines.get(1)).startsWith("b42\t");
  }

  @Test
  void refusesAMissingOrUnknownCollection() {
    assertThatThrownBy(() -> PlacementCommand.run(SHIPPED, null, new BufferedReader(new StringReader("")), System.out))
        .hasMessageContaining("--collection");
    assertThatThrownBy(() -> PlacementCommand.run(SHIPPED, "nope", new BufferedReader(new StringReader("")), System.out))
        .hasMessageContaining("no collection 'nope'");
  }
}
