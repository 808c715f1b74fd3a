package io.shardgate.cluster.config;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/**
 * The subschemas of a collection's JSON Schema, and the load-time check that its {@code pattern}s run on
 * RE2/J. The gateway matches client strings against these patterns on an event loop; RE2/J answers in time
 * linear in the input, which a backtracking engine does not (a pattern such as {@code ^(a+)+$} takes
 * seconds on a few dozen characters). RE2 syntax has no backreferences and no lookaround, so a pattern
 * that needs them is refused here, at start, rather than surprising a client later.
 */
public final class SchemaPatterns {
  /** Keywords whose value is a subschema, or an array of them. */
  private static final Set<String> SUBSCHEMAS = Set.of("items", "prefixItems", "additionalProperties",
      "unevaluatedProperties", "unevaluatedItems", "contains", "propertyNames", "not", "if", "then", "else", "allOf",
      "anyOf", "oneOf");
  /** Keywords whose value maps names to subschemas. */
  private static final Set<String> NAMED_SUBSCHEMAS = Set.of("properties", "$defs", "definitions", "dependentSchemas");

  private SchemaPatterns() {}

  /** Sees one schema object: where it is (a JSON pointer into the schema) and the field it constrains, if any. */
  public interface Visitor {
    void visit(String location, String field, JsonObject schema);
  }

  /** Calls the visitor on the schema, then on each of its subschemas, parents first. */
  public static void visit(JsonObject schema, Visitor visitor) {
    visit(schema, "", null, visitor);
  }

  /**
   * Refuses a schema whose patterns RE2/J cannot compile, naming the collection, the field and the pattern;
   * also {@code patternProperties}, whose names the schema library would match with a backtracking engine.
   */
  static void check(String where, String collection, JsonObject schema) {
    visit(schema, (location, field, s) -> {
      String at = "config: " + where + ": collection " + collection + ", field " + (field == null ? "(none)" : field)
          + " (at #" + location + ")";
      if (s.containsKey("patternProperties")) {
        throw new ConfigException(at + ": patternProperties is not supported (its names would be matched by a"
            + " backtracking regular expression engine); list the fields under properties");
      }
      if (s.getValue("pattern") instanceof String pattern) {
        try {
          Pattern.compile(pattern);
        } catch (PatternSyntaxException e) {
          throw new ConfigException(at + ": pattern \"" + pattern + "\" is not valid RE2 syntax, which patterns must use"
              + " to run in linear time (no backreferences, no lookaround): " + e.getDescription());
        }
      }
    });
  }

  private static void visit(JsonObject schema, String location, String field, Visitor visitor) {
    visitor.visit(location, field, schema);
    for (String key : schema.fieldNames()) {
      Object value = schema.getValue(key);
      String at = location + "/" + key;
      if (SUBSCHEMAS.contains(key) && value instanceof JsonObject sub) {
        visit(sub, at, field, visitor);
      } else if (SUBSCHEMAS.contains(key) && value instanceof JsonArray subs) {
        for (int i = 0; i < subs.size(); i++) {
          if (subs.getValue(i) instanceof JsonObject sub) {
            visit(sub, at + "/" + i, field, visitor);
          }
        }
      } else if (NAMED_SUBSCHEMAS.contains(key) && value instanceof JsonObject named) {
        for (String name : named.fieldNames()) {
          if (named.getValue(name) instanceof JsonObject sub) {
            String inner = !key.equals("properties") ? field : field == null ? name : field + "." + name;
            visit(sub, at + "/" + name, inner, visitor);
          }
        }
      }
    }
  }
}
