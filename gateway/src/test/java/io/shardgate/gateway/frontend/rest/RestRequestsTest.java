package io.shardgate.gateway.frontend.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shardgate.gateway.http.ProblemException;
import io.shardgate.gateway.records.IfMatch;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

/** The request parts the REST front end reads itself: If-Match, the JSON body and its type. */
class RestRequestsTest {
  @Test
  void ifMatchTakesExactlyOneVersionTagOrStar() {
    assertThat(RestRequests.ifMatch(null)).isSameAs(IfMatch.NONE);
    assertThat(RestRequests.ifMatch(" * ")).isSameAs(IfMatch.ANY);
    assertThat(RestRequests.ifMatch("\"7\"")).hasToString("\"7\"");
    assertThat(RestRequests.ifMatch(" W/\"12\" ")).as("a weak tag is sent on as the strong one").hasToString("\"12\"");
    for (String bad : new String[] {"7", "\"a\"", "\"1\", \"2\"", "\"-1\"", "\"99999999999999999999999\"", "garbage"}) {
      assertThatThrownBy(() -> RestRequests.ifMatch(bad)).as(bad).isInstanceOfSatisfying(ProblemException.class,
          e -> assertThat(e.problem().type()).isEqualTo("bad-precondition"));
    }
  }

  @Test
  void onlyJsonObjectsInAJsonContentType() {
    RestRequests.requireJson("application/json; charset=utf-8");
    RestRequests.requireJson("application/merge-patch+json");
    assertThatThrownBy(() -> RestRequests.requireJson("text/plain")).isInstanceOfSatisfying(ProblemException.class,
        e -> assertThat(e.problem().status()).isEqualTo(415));
    assertThat(RestRequests.jsonObject(Buffer.buffer("{\"a\":1}")).getInteger("a")).isEqualTo(1);
    for (String bad : new String[] {"", "{\"a\":", "[1,2]", "null"}) {
      assertThatThrownBy(() -> RestRequests.jsonObject(Buffer.buffer(bad))).as(bad).isInstanceOf(ProblemException.class);
    }
  }
}
