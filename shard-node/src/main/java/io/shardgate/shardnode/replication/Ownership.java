package io.shardgate.shardnode.replication;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Whether this node is a slot's acting primary (DESIGN §4): it is in the slot's replica list and every
 * replica ahead of it is down. Pure: the caller supplies who counts as live (a live lease, or a
 * returning node that has announced itself with a handoff).
 */
public record Ownership(Kind kind, String blocker, List<String> targets) {

  public enum Kind { PRIMARY, NOT_PRIMARY, NOT_REPLICA }

  public static Ownership decide(List<String> replicas, String self, Predicate<String> live) {
    int index = replicas.indexOf(self);
    if (index < 0) {
      return new Ownership(Kind.NOT_REPLICA, null, List.of());
    }
    for (int i = 0; i < index; i++) {
      if (live.test(replicas.get(i))) {
        return new Ownership(Kind.NOT_PRIMARY, replicas.get(i), List.of());
      }
    }
    List<String> targets = new ArrayList<>();
    for (int i = index + 1; i < replicas.size(); i++) {
      if (live.test(replicas.get(i))) {
        targets.add(replicas.get(i));
      }
    }
    return new Ownership(Kind.PRIMARY, null, List.copyOf(targets));
  }
}
