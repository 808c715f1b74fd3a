package io.shardgate.cluster.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The builders must produce paths the route patterns match, with the parameters they name. */
class InternalPathsTest {
  @Test
  void buildersMatchTheirRoutePatterns() {
    assertThat(matches(InternalPaths.RECORD_ROUTE, InternalPaths.record("expenses", "b1"))).isTrue();
    assertThat(matches(InternalPaths.CACHE_ENTRY_ROUTE, InternalPaths.cacheEntry("expenses", "b1"))).isTrue();
    assertThat(matches(InternalPaths.LOG_ROUTE, InternalPaths.log(7, 2, 30, 500))).isTrue();
    assertThat(matches(InternalPaths.STATE_ROUTE, InternalPaths.state(7, "expenses", "b1"))).isTrue();
    assertThat(matches(InternalPaths.SNAPSHOT_ROUTE, InternalPaths.snapshot(7))).isTrue();
    assertThat(matches(InternalPaths.SNAPSHOT_ROUTE, InternalPaths.log(7, 0, 0, 1))).isFalse();
  }

  @Test
  void queriesNameTheirParameters() {
    assertThat(InternalPaths.log(7, 2, 30, 500)).isEqualTo("/replication/log/7?afterEpoch=2&afterSeq=30&limit=500");
    assertThat(InternalPaths.cacheUpdate("expenses", "b1", 4, 60000)).isEqualTo("/cache/expenses/b1?version=4&ttlMs=60000");
    assertThat(InternalPaths.state(3, "c", "k")).isEqualTo("/replication/state/3?collection=c&key=k");
  }

  /** Vert.x-style matching: each ":param" segment takes one non-empty segment; the query is ignored. */
  private static boolean matches(String pattern, String uri) {
    String path = uri.contains("?") ? uri.substring(0, uri.indexOf('?')) : uri;
    String[] p = pattern.split("/");
    String[] u = path.split("/");
    if (p.length != u.length) {
      return false;
    }
    for (int i = 0; i < p.length; i++) {
      if (p[i].startsWith(":") ? u[i].isEmpty() : !p[i].equals(u[i])) {
        return false;
      }
    }
    return true;
  }
}
