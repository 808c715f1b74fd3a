package io.shardgate.gateway.frontend.rest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;

/** What the REST front end records: requests refused for bad input, by problem type. */
public interface RestStats {
  RestStats NONE = rejection -> { };

  void rejected(Rejection rejection);

  /** Counters of one collection, registered now for every rejection. */
  static RestStats micrometer(MeterRegistry meters, String collection) {
    Map<Rejection, Counter> counters = new EnumMap<>(Rejection.class);
    for (Rejection r : Rejection.values()) {
      counters.put(r, Counter.builder("shardgate.gateway.rejected").tag("collection", collection).tag("type", r.type())
          .description("Requests refused for bad input, by problem type").register(meters));
    }
    return rejection -> counters.get(rejection).increment();
  }
}
