package io.shardgate.dist;

import io.shardgate.cluster.config.Settings;
import io.shardgate.cluster.security.ClusterCa;
import io.shardgate.cluster.security.MemberCredentials;
import io.shardgate.cluster.security.RecordProof;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code certs --out DIR}: the files cluster mode's internal plane needs. Creates the cluster CA in DIR
 * (or reuses the one already there, so members can be added later) and issues a certificate for every
 * process of the configuration (each node by id, {@code gateway}, {@code tools} for operator commands,
 * {@code bench} for the load-test kit's proxies) plus any extra {@code --id}, each naming its hosts.
 */
final class CertsCommand {
  static final Duration VALIDITY = Duration.ofDays(365);

  private CertsCommand() {}

  static int run(Settings.Shardgate config, Path out, List<String> extraIds, PrintStream log) throws IOException {
    Path caCert = out.resolve("ca.pem");
    Path caKey = out.resolve("ca-key.pem");
    ClusterCa ca;
    if (Files.isRegularFile(caCert) && Files.isRegularFile(caKey)) {
      ca = ClusterCa.read(Files.readString(caCert, StandardCharsets.US_ASCII), Files.readString(caKey, StandardCharsets.US_ASCII));
      log.println("certs: reusing the cluster CA in " + out);
    } else {
      ca = ClusterCa.generate(config.cluster().name(), VALIDITY.multipliedBy(10));
      Files.createDirectories(out);
      Files.writeString(caCert, ca.certificatePem(), StandardCharsets.US_ASCII);
      MemberCredentials.writeOwnerOnly(caKey, ca.keyPem());
      log.println("certs: created the cluster CA " + caCert + " (keep " + caKey + " off the nodes)");
    }
    Path recordKey = out.resolve("record.key");
    if (!Files.isRegularFile(recordKey)) {
      MemberCredentials.writeOwnerOnly(recordKey, HexFormat.of().formatHex(RecordProof.newKey()) + "\n");
      log.println("certs: " + recordKey + ", the key shard and cache nodes prove record versions with (not for gateways)");
    }
    Map<String, List<String>> members = new LinkedHashMap<>();
    members.put(Roles.GATEWAY_ID, hosts(config.gateway().host()));
    for (Settings.Node n : concat(config.shardNodes(), config.cacheNodes())) {
      List<String> h = hosts(n.host());
      if (!h.contains(n.listenHost()) && !n.listenHost().equals("0.0.0.0")) {
        h.add(n.listenHost());
      }
      members.put(n.id(), h);
    }
    members.put(io.shardgate.dist.chaos.Tools.ID, hosts("127.0.0.1"));
    members.put("bench", hosts("127.0.0.1"));
    extraIds.forEach(id -> members.putIfAbsent(id, hosts("127.0.0.1")));
    for (Map.Entry<String, List<String>> m : members.entrySet()) {
      MemberCredentials c = ca.issue(m.getKey(), m.getValue(), VALIDITY);
      c.write(out, m.getKey());
      log.println("certs: " + out.resolve(m.getKey() + ".pem") + " for " + m.getKey() + " " + m.getValue());
    }
    return 0;
  }

  /** The announced host, plus loopback names so that local tools can reach the process too. */
  private static List<String> hosts(String host) {
    List<String> h = new ArrayList<>();
    if (!host.equals("0.0.0.0")) {
      h.add(host);
    }
    for (String local : List.of("127.0.0.1", "localhost")) {
      if (!h.contains(local)) {
        h.add(local);
      }
    }
    return h;
  }

  private static List<Settings.Node> concat(List<Settings.Node> a, List<Settings.Node> b) {
    List<Settings.Node> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
