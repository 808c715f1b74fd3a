package io.shardgate.gateway.records;

import io.shardgate.cluster.protocol.RecordVersions;

/**
 * A write's version precondition: none, "the record exists" ({@code *}), or "the record is at this
 * version". Sent to the shard node as {@code If-Match}, which answers 412 when it does not hold.
 */
public final class IfMatch {
  public static final IfMatch NONE = new IfMatch(null);
  public static final IfMatch ANY = new IfMatch("*");

  private final String header;

  private IfMatch(String header) {
    this.header = header;
  }

  public static IfMatch version(long version) {
    return new IfMatch(RecordVersions.etag(version));
  }

  /** The If-Match value to send to the node, or null for none. */
  String header() {
    return header;
  }

  @Override
  public String toString() {
    return header == null ? "none" : header;
  }
}
