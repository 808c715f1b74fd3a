package io.shardgate.gateway.records;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;

/** {@link RecordStats} on Micrometer: one counter per reason, registered here, labelled with the collection. */
public final class RecordMetrics implements RecordStats {
  private final Map<RecordResult.Reason, Counter> unavailable = new EnumMap<>(RecordResult.Reason.class);

  public RecordMetrics(MeterRegistry meters, String collection) {
    for (RecordResult.Reason reason : RecordResult.Reason.values()) {
      unavailable.put(reason, Counter.builder("shardgate.gateway.unavailable").tag("collection", collection)
          .tag("reason", reason.tag()).description("Requests answered as unavailable, by reason").register(meters));
    }
  }

  @Override
  public void unavailable(RecordResult.Reason reason) {
    unavailable.get(reason).increment();
  }
}
