package io.shardgate.gateway.backend;

/** What the node client records: calls that got no answer, by reason. */
public interface NodeStats {
  NodeStats NONE = reason -> { };

  void noAnswer(BackendUnavailable.Reason reason);
}
