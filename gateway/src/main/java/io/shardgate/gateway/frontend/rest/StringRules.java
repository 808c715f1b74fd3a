package io.shardgate.gateway.frontend.rest;

import com.google.re2j.Pattern;
import io.shardgate.cluster.config.SchemaPatterns;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.JsonFormatValidator;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks a schema's string keywords itself, so that a string costs time linear in its length whatever the
 * schema says. The schema library runs {@code pattern} with java.util.regex, which backtracks, and runs it
 * even when {@code maxLength} already failed: a 60,000-character email took eleven seconds. Here
 * {@code minLength} and {@code maxLength} come first, then the pattern on RE2/J, stopping at the first
 * that fails.
 *
 * <p>{@link #takeFrom} replaces those keywords in each schema object by one {@code format} naming a rule
 * of this class, and the library calls {@link #validateFormat} for it: the keywords keep their meaning
 * wherever they sit (inside {@code anyOf}, {@code items}), without a second schema walker at request time.
 * A built-in {@code format} (email, date, ...) stays the library's.
 */
final class StringRules implements JsonFormatValidator {
  private static final String FORMAT = "shardgate-string-rule-";

  private final List<Rule> rules = new ArrayList<>();

  private StringRules() {}

  /** Rewrites the schema in place; the returned hook must be given to the validator built from it. */
  static StringRules takeFrom(JsonObject schema) {
    StringRules strings = new StringRules();
    SchemaPatterns.visit(schema, (location, field, s) -> strings.take(s));
    return strings;
  }

  private void take(JsonObject schema) {
    Integer min = schema.getValue("minLength") instanceof Number n ? n.intValue() : null;
    Integer max = schema.getValue("maxLength") instanceof Number n ? n.intValue() : null;
    String pattern = schema.getValue("pattern") instanceof String p ? p : null;
    if (min == null && max == null && pattern == null) {
      return;
    }
    schema.remove("minLength");
    schema.remove("maxLength");
    schema.remove("pattern");
    String rule = FORMAT + rules.size();
    rules.add(new Rule(min, max, pattern == null ? null : Pattern.compile(pattern)));
    if (schema.containsKey("format")) {
      // a built-in format stays the library's; the rule goes beside it
      JsonArray allOf = schema.getValue("allOf") instanceof JsonArray a ? a : new JsonArray();
      schema.put("allOf", allOf.add(new JsonObject().put("format", rule)));
    } else {
      schema.put("format", rule);
    }
  }

  @Override
  public String validateFormat(String instanceType, String format, Object instance) {
    if (format == null || !format.startsWith(FORMAT)) {
      return DEFAULT_VALIDATOR.validateFormat(instanceType, format, instance);
    }
    Rule rule = rules.get(Integer.parseInt(format.substring(FORMAT.length())));
    return instance instanceof String s ? rule.check(s) : null;
  }

  private record Rule(Integer minLength, Integer maxLength, Pattern pattern) {
    /** Lengths in code points, as JSON Schema counts them; the pattern searches (it is not anchored). */
    String check(String s) {
      if (minLength != null || maxLength != null) {
        int length = s.codePointCount(0, s.length());
        if (minLength != null && length < minLength) {
          return "String is too short (" + length + " < " + minLength + ")";
        }
        if (maxLength != null && length > maxLength) {
          return "String is too long (" + length + " > " + maxLength + ")";
        }
      }
      if (pattern != null && !pattern.matcher(s).find()) {
        return "String does not match pattern " + pattern.pattern();
      }
      return null;
    }
  }
}
