package io.shardgate.cluster.config;

/** Range checks for settings records: a value out of range fails at start, naming the setting. */
final class Bounds {
  private Bounds() {}

  static long check(String setting, long value, long min, long max) {
    if (value < min || value > max) {
      throw new ConfigException("config: " + setting + " must be between " + min + " and " + max + ", got " + value);
    }
    return value;
  }

  static void require(boolean ok, String message) {
    if (!ok) {
      throw new ConfigException("config: " + message);
    }
  }
}
