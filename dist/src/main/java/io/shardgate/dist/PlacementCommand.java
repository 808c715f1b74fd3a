package io.shardgate.dist;

import io.shardgate.cluster.config.Settings;
import io.shardgate.cluster.placement.KeyHash;
import io.shardgate.cluster.placement.Node;
import io.shardgate.cluster.placement.Placement;
import io.shardgate.cluster.placement.SlotTable;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.util.List;

/**
 * {@code shardgate placement --collection C}: reads keys from standard input, one per line, and prints
 * {@code key slot primary successor...} for each, computed offline from the configured shard nodes (the
 * table a cluster computes when exactly those nodes are members). Answers "where does this key live?"
 * for many keys at once without asking a gateway; the bench runner uses it to pick keys every target
 * can serve.
 */
final class PlacementCommand {
  private PlacementCommand() {}

  static int run(Settings.Shardgate settings, String collection, BufferedReader in, PrintStream out) throws IOException {
    if (collection == null) {
      throw new IllegalArgumentException("placement needs --collection NAME (keys come from standard input)");
    }
    if (settings.collections().stream().noneMatch(c -> c.name().equals(collection))) {
      throw new IllegalArgumentException("placement: no collection '" + collection + "' in the configuration");
    }
    Settings.Cluster c = settings.cluster();
    List<Node> nodes = settings.shardNodes().stream().map(n -> new Node(n.id(), n.weight())).toList();
    SlotTable table = Placement.named(c.placement(), c.ringVirtualNodes()).table(c.slots(), c.replicationFactor(), nodes);
    StringBuilder line = new StringBuilder();
    for (String key = in.readLine(); key != null; key = in.readLine()) {
      key = key.strip();
      if (key.isEmpty()) {
        continue;
      }
      int slot = KeyHash.slot(collection, key, c.slots());
      line.setLength(0);
      line.append(key).append('\t').append(slot);
      for (String id : table.replicas(slot)) {
        line.append('\t').append(id);
      }
      out.println(line);
    }
    out.flush();
    return out.checkError() ? 1 : 0;
  }
}
