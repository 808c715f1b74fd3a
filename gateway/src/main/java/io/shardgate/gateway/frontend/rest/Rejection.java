package io.shardgate.gateway.frontend.rest;

import java.util.Locale;

/** Every problem type the REST front end refuses bad input with; the label of its rejected counter. */
public enum Rejection {
  VALIDATION, BAD_REQUEST, MALFORMED_JSON, BAD_KEY, BAD_PRECONDITION, UNSUPPORTED_MEDIA_TYPE, CONFLICT;

  private final String type = name().toLowerCase(Locale.ROOT).replace('_', '-');

  /** The problem type, as in {@code /problems/<type>}. */
  public String type() {
    return type;
  }

  /** The rejection of a problem this front end built; any other type counts as a bad request. */
  static Rejection of(String problemType) {
    for (Rejection r : values()) {
      if (r.type.equals(problemType)) {
        return r;
      }
    }
    return BAD_REQUEST;
  }
}
