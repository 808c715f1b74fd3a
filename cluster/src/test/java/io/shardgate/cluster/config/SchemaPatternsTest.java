package io.shardgate.cluster.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Collection schemas whose patterns cannot run in linear time are refused when the configuration loads. */
class SchemaPatternsTest {
  @Test
  void backreferencesAndLookaroundAreRefusedNamingCollectionFieldAndPattern() {
    assertThatThrownBy(() -> load(property("code", new JsonObject().put("type", "string").put("pattern", "^(a)\\1$"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("config: collections[notes.json].schema: collection notes, field code (at #/properties/code):"
            + " pattern \"^(a)\\1$\" is not valid RE2 syntax")
        .hasMessageContaining("no backreferences, no lookaround");
    assertThatThrownBy(() -> load(property("email", new JsonObject().put("pattern", "^(?=.*@).+$"))))
        .hasMessageContaining("field email").hasMessageContaining("\"^(?=.*@).+$\"");
  }

  @Test
  void patternsAreFoundInsideCombinatorsAndNestedObjects() {
    JsonObject nested = new JsonObject().put("type", "object").put("properties", new JsonObject()
        .put("zip", new JsonObject().put("anyOf", new JsonArray().add(new JsonObject().put("type", "integer"))
            .add(new JsonObject().put("pattern", "(?<!x)y")))));
    assertThatThrownBy(() -> load(property("address", nested)))
        .hasMessageContaining("field address.zip (at #/properties/address/properties/zip/anyOf/1)");
    assertThatThrownBy(() -> load(property("tags", new JsonObject().put("items", new JsonObject().put("pattern", "(x)\\1")))))
        .hasMessageContaining("field tags (at #/properties/tags/items)");
  }

  @Test
  void patternPropertiesAreRefused() {
    assertThatThrownBy(() -> load(property("extra", new JsonObject().put("type", "object")
        .put("patternProperties", new JsonObject().put("^x-", new JsonObject())))))
        .hasMessageContaining("field extra").hasMessageContaining("patternProperties is not supported");
  }

  @Test
  void linearPatternsLoad() {
    Settings.Collection c = load(property("email", new JsonObject().put("type", "string")
        .put("pattern", "^[^@\\s]+@[^@\\s.]+(\\.[^@\\s.]+)+$")));
    assertThat(c.schema().getJsonObject("properties").getJsonObject("email").getString("pattern")).startsWith("^[^@");
  }

  @Test
  void theVisitorSeesEverySubschemaWithItsField() {
    JsonObject schema = new JsonObject().put("type", "object").put("properties", new JsonObject()
        .put("a", new JsonObject().put("anyOf", new JsonArray().add(new JsonObject()).add(new JsonObject())))
        .put("b", new JsonObject().put("items", new JsonObject())))
        .put("$defs", new JsonObject().put("d", new JsonObject()))
        .put("enum", new JsonArray().add(new JsonObject().put("pattern", "not a schema")));
    List<String> seen = new ArrayList<>();
    SchemaPatterns.visit(schema, (location, field, s) -> seen.add(field + "@" + location));
    assertThat(seen).containsExactlyInAnyOrder("null@", "a@/properties/a", "a@/properties/a/anyOf/0",
        "a@/properties/a/anyOf/1", "b@/properties/b", "b@/properties/b/items", "null@/$defs/d");
  }

  private static JsonObject property(String name, JsonObject schema) {
    return new JsonObject().put("type", "object").put("properties", new JsonObject().put(name, schema));
  }

  private static Settings.Collection load(JsonObject schema) {
    JsonObject raw = new JsonObject().put("collections", new JsonArray().add("notes.json"));
    JsonObject notes = new JsonObject().put("name", "notes").put("schema", schema);
    return ConfigLoader.parse(raw, ref -> notes.copy()).collections().get(0);
  }
}
