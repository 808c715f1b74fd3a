package io.shardgate.gateway.frontend.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CacheControlTest {
  @Test
  void noCacheNoStoreAndMaxAgeZeroBypassInAnyCaseAndSpacing() {
    for (String value : List.of("no-cache", "no-store", "max-age=0", "NO-CACHE", "No-Store", "MAX-AGE=0",
        "max-age=00", "max-age=\"0\"", " max-age = 0 ", "\tno-cache\t", "max-age=60, no-cache", "foo,no-store,bar",
        "no-cache=\"set-cookie\"", ",,no-cache,")) {
      assertThat(bypass(List.of(value), List.of())).as(value).isTrue();
    }
  }

  @Test
  void otherDirectivesAndJunkDoNot() {
    for (String value : List.of("", " ", ",", "no-cachex", "xno-cache", "no_cache", "no cache", "nocache",
        "max-age=1", "max-age=60", "max-age=", "max-age", "max-age=-0", "max-age=0x0", "max-age=0s", "max-age=\"\"",
        "max-stale=0", "min-fresh=0", "s-maxage=0", "only-if-cached", "private", "foo=\"a, no-cache, b\"",
        "foo=\"a\\\", no-cache\"", "max-age=99999999999999999999")) {
      assertThat(bypass(List.of(value), List.of())).as("[" + value + "]").isFalse();
    }
  }

  @Test
  void severalHeaderLinesReadAsOneList() {
    assertThat(bypass(List.of("max-age=60", "no-cache"), List.of())).isTrue();
    assertThat(bypass(List.of("max-age=60", "private"), List.of())).isFalse();
    assertThat(bypass(List.of(), List.of())).isFalse();
  }

  @Test
  void pragmaNoCacheCountsOnlyWithoutCacheControl() {
    assertThat(bypass(List.of(), List.of("no-cache"))).isTrue();
    assertThat(bypass(List.of(), List.of(" No-Cache "))).isTrue();
    assertThat(bypass(List.of(""), List.of("foo, no-cache"))).as("an empty Cache-Control says nothing").isTrue();
    assertThat(bypass(List.of(), List.of("no-cachex"))).isFalse();
    assertThat(bypass(List.of(), List.of("no-store"))).as("not a pragma").isFalse();
    assertThat(bypass(List.of("max-age=60"), List.of("no-cache"))).as("Cache-Control decides").isFalse();
  }

  private static boolean bypass(List<String> cacheControl, List<String> pragma) {
    return CacheControl.bypassRequested(cacheControl, pragma);
  }
}
