package io.shardgate.gateway.records;

/** What the record service records for its collection: answers it could not give, by reason. */
public interface RecordStats {
  RecordStats NONE = reason -> { };

  void unavailable(RecordResult.Reason reason);
}
