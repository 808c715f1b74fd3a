package io.shardgate.cluster.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Typed, path-aware access to one JSON object of the configuration, failing with precise messages. */
final class ConfigReader {
  private final JsonObject json;
  private final String path;

  ConfigReader(JsonObject json, String path) {
    this.json = json == null ? new JsonObject() : json;
    this.path = path;
  }

  String where(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  ConfigReader child(String key) {
    Object v = json.getValue(key);
    if (v != null && !(v instanceof JsonObject)) {
      throw new ConfigException("config: " + where(key) + " must be an object");
    }
    return new ConfigReader((JsonObject) v, where(key));
  }

  String string(String key, String dflt) {
    Object v = json.getValue(key);
    if (v == null) {
      if (dflt == null) {
        throw new ConfigException("config: " + where(key) + " is required");
      }
      return dflt;
    }
    if (!(v instanceof String s) || s.isBlank()) {
      throw new ConfigException("config: " + where(key) + " must be a non-empty string, got " + v);
    }
    return s;
  }

  /** A string setting without a default: null when absent. */
  String optionalString(String key) {
    return json.getValue(key) == null ? null : string(key, null);
  }

  long number(String key, long dflt, long min, long max) {
    Object v = json.getValue(key);
    if (v == null) {
      return dflt;
    }
    if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
      throw new ConfigException("config: " + where(key) + " must be an integer, got " + v);
    }
    long l = n.longValue();
    if (l < min || l > max) {
      throw new ConfigException("config: " + where(key) + " must be between " + min + " and " + max + ", got " + l);
    }
    return l;
  }

  /** An integer setting whose bounds the settings record checks. */
  long number(String key, long dflt) {
    return number(key, dflt, Long.MIN_VALUE, Long.MAX_VALUE);
  }

  int integer(String key, int dflt) {
    return (int) number(key, dflt, Integer.MIN_VALUE, Integer.MAX_VALUE);
  }

  int integer(String key, int dflt, int min, int max) {
    return (int) number(key, dflt, min, max);
  }

  double positive(String key, double dflt) {
    Object v = json.getValue(key);
    if (v == null) {
      return dflt;
    }
    if (!(v instanceof Number n) || !(n.doubleValue() > 0) || Double.isInfinite(n.doubleValue())) {
      throw new ConfigException("config: " + where(key) + " must be a positive number, got " + v);
    }
    return n.doubleValue();
  }

  boolean bool(String key, boolean dflt) {
    Object v = json.getValue(key);
    if (v == null) {
      return dflt;
    }
    if (!(v instanceof Boolean b)) {
      throw new ConfigException("config: " + where(key) + " must be true or false, got " + v);
    }
    return b;
  }

  <T> List<T> list(String key, Function<ConfigReader, T> item) {
    Object v = json.getValue(key);
    if (v == null) {
      return List.of();
    }
    if (!(v instanceof JsonArray a)) {
      throw new ConfigException("config: " + where(key) + " must be an array");
    }
    List<T> out = new ArrayList<>();
    for (int i = 0; i < a.size(); i++) {
      Object e = a.getValue(i);
      String at = where(key) + "[" + i + "]";
      if (!(e instanceof JsonObject o)) {
        throw new ConfigException("config: " + at + " must be an object");
      }
      out.add(item.apply(new ConfigReader(o, at)));
    }
    return List.copyOf(out);
  }

  List<String> strings(String key) {
    Object v = json.getValue(key);
    if (v == null) {
      return List.of();
    }
    if (!(v instanceof JsonArray a)) {
      throw new ConfigException("config: " + where(key) + " must be an array of strings");
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < a.size(); i++) {
      if (!(a.getValue(i) instanceof String s)) {
        throw new ConfigException("config: " + where(key) + "[" + i + "] must be a string");
      }
      out.add(s);
    }
    return List.copyOf(out);
  }

  JsonObject optionalObject(String key) {
    return json.getValue(key) == null ? new JsonObject() : object(key);
  }

  JsonObject object(String key) {
    Object v = json.getValue(key);
    if (!(v instanceof JsonObject o)) {
      throw new ConfigException("config: " + where(key) + " must be an object");
    }
    return o.copy();
  }
}
