package io.shardgate.gateway.frontend.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

/** Bodies are parsed with limits that keep a parse cheap and its result storable. */
class JsonBodiesTest {
  @Test
  void ordinaryDocumentsParse() {
    Object doc = decode("{\"a\":[1,2.5,\"😀\",true,null],\"b\":{\"c\":-0}}");
    assertThat(doc).isInstanceOf(JsonObject.class);
    assertThat(((JsonObject) doc).getJsonArray("a").getString(2)).isEqualTo("😀");
    assertThat(decode("[" + "[".repeat(JsonBodies.MAX_DEPTH - 1) + "]".repeat(JsonBodies.MAX_DEPTH)))
        .as("exactly the deepest nesting allowed").isInstanceOf(JsonArray.class);
  }

  @Test
  void deepNestingIsRefusedAtTheLimit() {
    String deep = "{\"a\":".repeat(JsonBodies.MAX_DEPTH + 1) + "1" + "}".repeat(JsonBodies.MAX_DEPTH + 1);
    assertThatThrownBy(() -> decode(deep)).isInstanceOf(DecodeException.class).hasMessageContaining("nesting depth");
    assertThatThrownBy(() -> decode("[".repeat(60_000))).hasMessageContaining("nesting depth");
  }

  @Test
  void hugeNumbersAreRefused() {
    assertThatThrownBy(() -> decode("{\"n\":" + "9".repeat(100_000) + "}")).hasMessageContaining("Number value length");
    assertThatThrownBy(() -> decode("{\"n\":1e1000000}")).hasMessageContaining("outside the range of a double");
    assertThatThrownBy(() -> decode("[-1e400]")).hasMessageContaining("outside the range of a double");
    assertThat(((JsonArray) decode("[" + "9".repeat(JsonBodies.MAX_NUMBER_LENGTH) + "]")).getValue(0))
        .isInstanceOf(BigInteger.class);
    assertThat(((JsonArray) decode("[1e-1000000]")).getValue(0)).as("an underflow is zero, not an error").isEqualTo(0.0);
  }

  @Test
  void unpairedSurrogatesAndInvalidUtf8AreRefused() {
    assertThatThrownBy(() -> decode("{\"s\":\"x\\ud800y\"}")).hasMessageContaining("unpaired UTF-16 surrogate");
    assertThatThrownBy(() -> decode("{\"s\":\"\\udc00\"}")).hasMessageContaining("unpaired");
    assertThatThrownBy(() -> decode("{\"\\ud800\":1}")).as("in a name too").hasMessageContaining("unpaired");
    assertThat(((JsonObject) decode("{\"s\":\"\\ud83d\\ude00\"}")).getString("s")).isEqualTo("😀");
    Buffer invalid = Buffer.buffer("{\"s\":\"").appendBytes(new byte[] {(byte) 0xff, (byte) 0xc3}).appendString("\"}");
    assertThatThrownBy(() -> JsonBodies.decode(invalid)).isInstanceOf(DecodeException.class).hasMessageContaining("UTF-8");
  }

  @Test
  void duplicateNamesAreRefusedAndManyNamesAreFine() {
    assertThatThrownBy(() -> decode("{\"id\":\"a\",\"id\":\"b\"}")).hasMessageContaining("Duplicate field 'id'");
    StringBuilder many = new StringBuilder("{");
    for (int i = 0; i < 10_000; i++) {
      many.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":").append(i);
    }
    assertThat(((JsonObject) decode(many.append('}').toString())).size()).isEqualTo(10_000);
  }

  @Test
  void trailingGarbageIsRefused() {
    assertThatThrownBy(() -> decode("{} {}")).isInstanceOf(DecodeException.class);
  }

  private static Object decode(String json) {
    return JsonBodies.decode(Buffer.buffer(json));
  }
}
