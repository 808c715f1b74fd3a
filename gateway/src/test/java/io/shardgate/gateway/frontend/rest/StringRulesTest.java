package io.shardgate.gateway.frontend.rest;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** String keywords are checked lengths first, then the pattern on RE2/J, then the format, in linear time. */
class StringRulesTest {
  @Test
  void theKeywordsLeaveTheSchemaForOneFormatRule() {
    JsonObject schema = object(new JsonObject().put("type", "string").put("minLength", 1).put("maxLength", 5)
        .put("pattern", "^a").put("description", "kept"));
    StringRules.takeFrom(schema);
    JsonObject email = schema.getJsonObject("properties").getJsonObject("f");
    assertThat(email.fieldNames()).containsExactlyInAnyOrder("type", "format", "description");
    assertThat(email.getString("format")).startsWith("shardgate-string-rule-");
  }

  @Test
  void lengthsAreCheckedBeforeThePatternAndTheFirstFailureIsReported() {
    Validator v = validator(new JsonObject().put("type", "string").put("minLength", 2).put("maxLength", 5)
        .put("pattern", "^a+$"));
    assertThat(errors(v, "aaa")).isEmpty();
    assertThat(errors(v, "a")).containsExactly("String is too short (1 < 2)");
    assertThat(errors(v, "bbbbbbb")).as("too long, and no word about the pattern").containsExactly("String is too long (7 > 5)");
    assertThat(errors(v, "abc")).containsExactly("String does not match pattern ^a+$");
  }

  @Test
  void lengthsCountCodePointsAsJsonSchemaDoes() {
    Validator v = validator(new JsonObject().put("type", "string").put("maxLength", 2));
    assertThat(errors(v, "😀😀")).as("two code points, four UTF-16 units").isEmpty();
    assertThat(errors(v, "😀😀😀")).containsExactly("String is too long (3 > 2)");
  }

  @Test
  void patternsSearchLikeJsonSchemaAndKeepTheirMeaningInsideAnyOf() {
    Validator v = validator(new JsonObject().put("anyOf", new JsonArray()
        .add(new JsonObject().put("type", "number").put("minimum", 0))
        .add(new JsonObject().put("type", "string").put("pattern", "[0-9]"))));
    assertThat(errors(v, 3)).isEmpty();
    assertThat(errors(v, "x7y")).as("a pattern is not anchored").isEmpty();
    assertThat(errors(v, "xyz")).contains("String does not match pattern [0-9]");
    assertThat(errors(v, -1)).isNotEmpty();
  }

  @Test
  void aCatastrophicPatternForBacktrackingRunsInLinearTime() {
    Validator v = validator(new JsonObject().put("type", "string").put("pattern", "^(a+)+$"));
    String hostile = "a".repeat(50_000) + "!";
    long start = System.nanoTime();
    assertThat(errors(v, hostile)).containsExactly("String does not match pattern ^(a+)+$");
    assertThat((System.nanoTime() - start) / 1_000_000).as("ms for ^(a+)+$ on 50,000 a's and a !").isLessThan(500);
  }

  @Test
  void aBuiltInFormatStaysWithTheSchemaLibrary() {
    Validator v = validator(new JsonObject().put("type", "string").put("maxLength", 30).put("format", "date"));
    assertThat(errors(v, "2026-02-01")).isEmpty();
    assertThat(errors(v, "yesterday")).singleElement().asString().contains("format");
    assertThat(errors(v, "9".repeat(40))).contains("String is too long (40 > 30)");
  }

  private static JsonObject object(JsonObject property) {
    return new JsonObject().put("type", "object").put("properties", new JsonObject().put("f", property));
  }

  private static Validator validator(JsonObject property) {
    JsonObject schema = object(property);
    StringRules rules = StringRules.takeFrom(schema);
    return Validator.create(JsonSchema.of(schema), new JsonSchemaOptions().setDraft(Draft.DRAFT202012)
        .setOutputFormat(OutputFormat.Basic).setBaseUri("urn:test"), rules);
  }

  /** The errors the schema library reports at the field, without its generic "does not match" wrappers. */
  private static List<String> errors(Validator v, Object value) {
    OutputUnit result = v.validate(new JsonObject().put("f", value));
    if (Boolean.TRUE.equals(result.getValid())) {
      return List.of();
    }
    return result.getErrors().stream().map(OutputUnit::getError)
        .filter(e -> !e.startsWith("Property ") && !e.startsWith("Instance does not match")).toList();
  }
}
