package io.shardgate.cluster.placement.impl;

import io.shardgate.cluster.placement.SlotTable;
import java.util.Arrays;
import java.util.List;

/** A slot table backed by arrays of immutable lists, so a lookup allocates nothing. */
final class ArraySlotTable implements SlotTable {
  private final int replicationFactor;
  private final List<String>[] replicas;
  private final String[] primaries;

  /** Takes ownership of {@code replicas}; every element must already be an immutable list. */
  ArraySlotTable(int replicationFactor, List<String>[] replicas) {
    this.replicationFactor = replicationFactor;
    this.replicas = replicas;
    this.primaries = new String[replicas.length];
    for (int slot = 0; slot < replicas.length; slot++) {
      primaries[slot] = replicas[slot].isEmpty() ? null : replicas[slot].get(0);
    }
  }

  @Override
  public int slots() {
    return replicas.length;
  }

  @Override
  public int replicationFactor() {
    return replicationFactor;
  }

  @Override
  public List<String> replicas(int slot) {
    return replicas[checked(slot)];
  }

  @Override
  public String primary(int slot) {
    return primaries[checked(slot)];
  }

  private int checked(int slot) {
    if (slot < 0 || slot >= replicas.length) {
      throw new IndexOutOfBoundsException("slot " + slot + " out of range [0, " + replicas.length + ")");
    }
    return slot;
  }

  /** Equal when every slot has the same replica list, so callers can skip a no-op table swap. */
  @Override
  public boolean equals(Object other) {
    return other instanceof ArraySlotTable that
        && replicationFactor == that.replicationFactor
        && Arrays.equals(replicas, that.replicas);
  }

  @Override
  public int hashCode() {
    return 31 * replicationFactor + Arrays.hashCode(replicas);
  }

  @Override
  public String toString() {
    return "SlotTable[slots=" + replicas.length + ", replicationFactor=" + replicationFactor + "]";
  }
}
