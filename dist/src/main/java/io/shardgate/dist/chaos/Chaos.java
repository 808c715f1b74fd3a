package io.shardgate.dist.chaos;

import io.shardgate.cluster.config.Settings;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code shardgate.jar chaos}: the kill-and-restart scenario against a running cluster started by
 * scripts/cluster.sh. Under concurrent reads and writes it kills a shard node with SIGKILL, waits,
 * restarts it, and moves on to the next node, then prints the books: requests, errors, acknowledged and
 * lost writes, stale reads, and the longest window in which a key could not be read or written, and
 * compares every slot's replicas. Exits 1 when anything acknowledged was lost or replicas differ.
 */
public final class Chaos {
  private Chaos() {}

  public static int run(Settings.Shardgate config, int rounds, long downMillis, long upMillis) throws Exception {
    String gateway = "http://127.0.0.1:" + config.gateway().port();
    LoadDriver load = new LoadDriver(gateway, "chaos" + Long.toHexString(System.nanoTime()), 200, 8, 8);
    System.out.println("chaos: creating 200 expenses, then 8 writers and 8 readers against " + gateway);
    load.start();
    List<Settings.Node> nodes = config.shardNodes();
    long started = System.nanoTime();
    for (int round = 0; round < rounds; round++) {
      String victim = nodes.get(round % nodes.size()).id();
      System.out.printf("chaos: round %d/%d: kill -9 %s%n", round + 1, rounds, victim);
      cluster("stop", victim, "-9");
      Thread.sleep(downMillis);
      System.out.printf("chaos: restarting %s%n", victim);
      cluster("start", victim);
      Thread.sleep(upMillis);
    }
    LoadDriver.Report report = load.stopAndVerify();
    System.out.printf("chaos: %d rounds in %d s%n", rounds, (System.nanoTime() - started) / 1_000_000_000L);
    System.out.println("chaos: " + report.summary());
    report.problems().stream().limit(20).forEach(p -> System.out.println("  problem: " + p));
    List<String> differences = new ReplicaCheck(Tools.credentials(config)).differences(gateway, config.gateway().adminToken());
    System.out.println("chaos: replicas compared slot by slot: " + (differences.isEmpty() ? "identical" : differences.size() + " slots differ"));
    differences.stream().limit(20).forEach(d -> System.out.println("  " + d));
    boolean ok = report.lostWrites() == 0 && report.staleReads() == 0 && report.versionConflicts() == 0 && differences.isEmpty();
    System.out.println(ok ? "chaos: PASS: nothing acknowledged was lost" : "chaos: FAIL");
    return ok ? 0 : 1;
  }

  private static void cluster(String... args) throws IOException, InterruptedException {
    List<String> cmd = new java.util.ArrayList<>(List.of("bash", Path.of("scripts", "cluster.sh").toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).inheritIO().start();
    if (p.waitFor() != 0) {
      throw new IllegalStateException("scripts/cluster.sh " + String.join(" ", args) + " failed");
    }
  }
}
