package io.shardgate.gateway.frontend.rest;

import io.shardgate.cluster.config.Settings;
import io.shardgate.cluster.http.Problem;
import io.shardgate.cluster.protocol.Names;
import io.shardgate.gateway.http.ProblemException;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;
import io.vertx.core.json.JsonArray;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks request bodies against a collection's JSON Schema and keys against {@link Names}. A create is checked
 * against the whole schema; an update only against the properties it sends (the schema without
 * {@code required}), so {@code {"estimated_costs":"800"}} is a valid update. String lengths, patterns and
 * formats are checked by {@link StringRules}, in linear time.
 */
public final class RecordValidator {
  private static final long MAX_NUMERIC_KEY = 9_007_199_254_740_991L; // 2^53 - 1: exact in every JSON client
  private static final Pattern QUOTED = Pattern.compile("\"([^\"]+)\"");

  private final String keyField;
  private final String collectionName;
  private final Validator create;
  private final Validator update;
  private final Map<String, String> hints;
  /** With additionalProperties false: the only fields a body may have; else null. */
  private final Set<String> closedFields;

  public RecordValidator(Settings.Collection collection) {
    this.keyField = collection.keyField();
    this.collectionName = collection.name();
    this.hints = hints(collection.schema().getJsonObject("properties"));
    this.closedFields = Boolean.FALSE.equals(collection.schema().getValue("additionalProperties")) ? hints.keySet() : null;
    JsonSchemaOptions options = new JsonSchemaOptions().setDraft(Draft.DRAFT202012).setOutputFormat(OutputFormat.Basic)
        .setBaseUri("urn:shardgate:" + collection.name());
    // The schema library annotates the object it is given; each verticle must hand it its own copy.
    JsonObject schema = collection.schema().copy();
    StringRules strings = StringRules.takeFrom(schema);
    JsonObject patchSchema = schema.copy();
    patchSchema.remove("required");
    this.create = Validator.create(JsonSchema.of(schema), options, strings);
    this.update = Validator.create(JsonSchema.of(patchSchema), options, strings);
  }

  /** Null when the key is acceptable, else the problem. */
  public Problem checkKey(String key) {
    if (!Names.isKey(key)) {
      return Problem.invalidField(keyField, keyField + " must be " + Names.KEY_RULE);
    }
    return null;
  }

  /**
   * The key a client sent in the body, as a string: a string key or a non-negative integer. Returns
   * null when absent; throws {@link ProblemException} when present but unusable.
   */
  public String keyFromBody(JsonObject body) {
    Object v = body.getValue(keyField);
    if (v == null) {
      if (body.containsKey(keyField)) {
        throw new ProblemException(Problem.invalidField(keyField, keyField + " must be a string or an integer, not null"));
      }
      return null;
    }
    String key;
    if (v instanceof String s) {
      key = s;
    } else if ((v instanceof Integer || v instanceof Long) && ((Number) v).longValue() >= 0
        && ((Number) v).longValue() <= MAX_NUMERIC_KEY) {
      key = Long.toString(((Number) v).longValue());
    } else {
      throw new ProblemException(Problem.invalidField(keyField,
          keyField + " must be a string or an integer from 0 to " + MAX_NUMERIC_KEY + ", got " + v));
    }
    Problem p = checkKey(key);
    if (p != null) {
      throw new ProblemException(p);
    }
    return key;
  }

  public Problem validateCreate(JsonObject document) {
    return validate(create, document);
  }

  public Problem validateUpdate(JsonObject patch) {
    if (patch.isEmpty()) {
      return Problem.badRequest("an update must send at least one field");
    }
    return validate(update, patch);
  }

  private Problem validate(Validator validator, JsonObject doc) {
    // The schema library builds an error, URLs and all, per unknown field: thousands of them took 400 ms.
    if (closedFields != null) {
      for (String name : doc.fieldNames()) {
        if (!closedFields.contains(name)) {
          return notAField(name);
        }
      }
    }
    OutputUnit result = validator.validate(doc);
    if (Boolean.TRUE.equals(result.getValid())) {
      return null;
    }
    OutputUnit first = mostSpecific(result.getErrors());
    String field = fieldOf(first);
    if (field == null) {
      return Problem.invalidField(null, first == null || first.getError() == null ? "the body does not match the schema"
          : first.getError());
    }
    String top = field.split("/", 2)[0];
    if (!hints.containsKey(top)) {
      return notAField(top);
    }
    if (!doc.containsKey(top)) {
      return Problem.invalidField(top, top + " is required: " + hints.get(top));
    }
    return Problem.invalidField(top, top + " must be " + hints.get(top) + "; got " + shortJson(doc.getValue(top)));
  }

  private Problem notAField(String name) {
    String shown = abbreviated(name);
    return Problem.invalidField(shown, shown + " is not a field of " + collectionName + "; the fields are "
        + String.join(", ", new TreeSet<>(hints.keySet())));
  }

  /** What each property must be, in words: its schema's description, else its enum or type. */
  private static Map<String, String> hints(JsonObject properties) {
    Map<String, String> hints = new HashMap<>();
    if (properties != null) {
      for (String name : properties.fieldNames()) {
        Object p = properties.getValue(name);
        hints.put(name, p instanceof JsonObject schema ? hint(schema) : "valid");
      }
    }
    return Map.copyOf(hints);
  }

  private static String hint(JsonObject schema) {
    if (schema.getValue("description") instanceof String d) {
      return d;
    }
    if (schema.getValue("enum") instanceof JsonArray values) {
      return "one of " + values.stream().map(v -> v instanceof String str ? "\"" + str + "\"" : String.valueOf(v))
          .collect(Collectors.joining(", "));
    }
    if (schema.getValue("type") != null) {
      return "of type " + schema.getValue("type");
    }
    return "valid for its schema";
  }

  private static String shortJson(Object value) {
    return abbreviated(value == null ? "null" : value instanceof String str ? "\"" + str + "\"" : String.valueOf(value));
  }

  private static String abbreviated(String s) {
    return s.length() > 60 ? s.substring(0, 60) + "…" : s;
  }

  /** The error deepest in the document names the offending field best. */
  private static OutputUnit mostSpecific(List<OutputUnit> errors) {
    OutputUnit best = null;
    if (errors != null) {
      for (OutputUnit e : errors) {
        String loc = e.getInstanceLocation() == null ? "" : e.getInstanceLocation();
        String bestLoc = best == null || best.getInstanceLocation() == null ? "" : best.getInstanceLocation();
        if (best == null || loc.length() > bestLoc.length()) {
          best = e;
        }
      }
    }
    return best;
  }

  private static String fieldOf(OutputUnit error) {
    if (error == null) {
      return null;
    }
    String loc = error.getInstanceLocation();
    if (loc != null && loc.length() > 1) {
      return loc.substring(loc.startsWith("#/") ? 2 : 1);
    }
    // Errors at the root (a missing required property) name the property in their message.
    Matcher m = QUOTED.matcher(error.getError() == null ? "" : error.getError());
    return m.find() ? m.group(1) : null;
  }
}
