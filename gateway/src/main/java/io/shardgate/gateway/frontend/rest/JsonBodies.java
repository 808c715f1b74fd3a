package io.shardgate.gateway.frontend.rest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.jackson.JacksonCodec;
import java.io.IOException;

/**
 * Parses request bodies into Vert.x JSON values with limits that keep a parse cheap and its result
 * something every later step can store and re-encode. The body size is bounded before this
 * ({@code gateway.maxBodyBytes}), which bounds string and name lengths too; the rest is bounded here.
 */
final class JsonBodies {
  /** Deeper documents are refused: every later step (copy, schema check, encoding) recurses per level. */
  static final int MAX_DEPTH = 64;
  /** Longer number literals are refused: no JSON client keeps more digits, and big ones cost to convert. */
  static final int MAX_NUMBER_LENGTH = 100;

  private static final JsonFactory FACTORY = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH)
          .maxNumberLength(MAX_NUMBER_LENGTH).build())
      // {"id":"a","id":"b"} means different things to different readers: refuse it.
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      // Clients' names stay out of the JVM's string table. (Keep CANONICALIZE_FIELD_NAMES: without it Jackson
      // reads through a Reader that turns invalid UTF-8 into U+FFFD instead of refusing it.)
      .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
      .build();

  private JsonBodies() {}

  /** A JsonObject, JsonArray, String, Number, Boolean or null; throws DecodeException with the reason. */
  static Object decode(Buffer body) {
    try {
      return JacksonCodec.fromParser(new Checked(FACTORY.createParser(body.getBytes())), Object.class);
    } catch (IOException e) {
      throw new DecodeException(e.getMessage(), e); // only from creating the parser over bytes in memory
    } catch (IllegalStateException e) {
      // Jackson's guard against names built to collide in its name table: a flood, not a server fault.
      throw new DecodeException("too many field names with colliding hashes", e);
    }
  }

  /** Refuses what Jackson accepts but nothing downstream can keep: infinite numbers, unpaired surrogates. */
  private static final class Checked extends JsonParserDelegate {
    Checked(JsonParser parser) {
      super(parser);
    }

    @Override
    public Number getNumberValue() throws IOException {
      Number n = super.getNumberValue();
      if (n instanceof Double d && !Double.isFinite(d)) {
        // 1e400 parses as Infinity, which would be stored as the string "Infinity"
        throw new JsonParseException(this, "the number " + abbreviated(getText()) + " is outside the range of a double");
      }
      return n;
    }

    @Override
    public String getText() throws IOException {
      return wellFormed(super.getText());
    }

    @Override
    public String nextFieldName() throws IOException {
      String name = super.nextFieldName();
      return name == null ? null : wellFormed(name);
    }

    /** An escaped lone surrogate ("\ud800") is legal JSON but no Unicode text: UTF-8 cannot carry it on. */
    private String wellFormed(String s) throws JsonParseException {
      for (int i = 0; s != null && i < s.length(); i++) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
        } else if (Character.isSurrogate(c)) {
          throw new JsonParseException(this, "a string contains an unpaired UTF-16 surrogate (\\u"
              + Integer.toHexString(c) + ")");
        }
      }
      return s;
    }

    private static String abbreviated(String s) {
      return s.length() > 20 ? s.substring(0, 20) + "…" : s;
    }
  }
}
