package io.shardgate.bench.jmh;

import io.shardgate.cluster.placement.KeyHash;
import io.shardgate.cluster.placement.Node;
import io.shardgate.cluster.placement.Placement;
import io.shardgate.cluster.placement.SlotTable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Placement costs for both policies and several cluster sizes.
 *
 * <ul>
 *   <li>{@link #lookup}: the per-request path, {@code KeyHash.slot} plus {@code SlotTable.replicas(slot)},
 *       over a rotating set of keys (ns/op).
 *   <li>{@link #rebuild}: building the whole table, {@code table(1024, 2, members)}, as happens on a
 *       membership change (ms/op).
 * </ul>
 *
 * Members are {@code node-0 .. node-(N-1)}, all with weight 1; the ring uses the default number of
 * points per unit of weight ({@value Placement#DEFAULT_RING_VIRTUAL_NODES_PER_WEIGHT}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@Warmup(iterations = 2, time = 1, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 3, time = 1, timeUnit = TimeUnit.SECONDS)
@Fork(1)
public class PlacementBenchmark {

  static final int SLOTS = 1024;
  static final int REPLICATION_FACTOR = 2;
  static final String COLLECTION = "users";
  /** Number of distinct keys the lookup benchmark cycles through; a power of two. */
  static final int KEY_COUNT = 4096;

  @Param({"rendezvous", "ring"})
  public String policy;

  @Param({"3", "16", "64", "256", "1024"})
  public int nodes;

  Placement placement;
  List<Node> members;
  SlotTable table;
  String[] keys;
  int next;

  @Setup(Level.Trial)
  public void setUp() {
    placement = Placement.named(policy, Placement.DEFAULT_RING_VIRTUAL_NODES_PER_WEIGHT);
    members = new ArrayList<>(nodes);
    for (int i = 0; i < nodes; i++) {
      members.add(Node.of("node-" + i));
    }
    members = List.copyOf(members);
    table = placement.table(SLOTS, REPLICATION_FACTOR, members);
    keys = new String[KEY_COUNT];
    for (int i = 0; i < KEY_COUNT; i++) {
      keys[i] = "user:" + Integer.toHexString(i * 0x9E3779B1);
    }
    next = 0;
  }

  /** One request's placement lookup: hash the key to a slot, then read the slot's replica list. */
  @Benchmark
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public List<String> lookup() {
    String key = keys[next++ & (KEY_COUNT - 1)];
    int slot = KeyHash.slot(COLLECTION, key, SLOTS);
    return table.replicas(slot);
  }

  /** A full table rebuild for the current membership. */
  @Benchmark
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public SlotTable rebuild() {
    return placement.table(SLOTS, REPLICATION_FACTOR, members);
  }
}
