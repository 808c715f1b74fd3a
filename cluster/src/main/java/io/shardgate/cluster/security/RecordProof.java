package io.shardgate.cluster.security;

import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A shard node's word for a record version: an HMAC, with a key only shard and cache nodes hold, over
 * the collection, the key, the version and the exact record bytes (empty for a delete). Shard nodes
 * attach it to every answer that carries a version; cache nodes store a fill or a tombstone only when
 * the gateway forwards a proof that matches. So no caller, not even a gateway, can plant a record or a
 * version in the cache that no shard node answered (a forged version far ahead would refuse every real
 * write-through until it expired).
 */
public final class RecordProof {
  /** Key files hold this many random bytes, hex-encoded. */
  public static final int KEY_BYTES = 32;
  private static final String HMAC = "HmacSHA256";
  private static final RecordProof NONE = new RecordProof(null);

  private final SecretKeySpec key;
  private final ThreadLocal<Mac> macs;

  private RecordProof(byte[] key) {
    this.key = key == null ? null : new SecretKeySpec(key, HMAC);
    this.macs = key == null ? null : ThreadLocal.withInitial(this::newMac);
  }

  public static RecordProof of(byte[] key) {
    if (key.length < KEY_BYTES) {
      throw new IllegalArgumentException("a record-proof key needs at least " + KEY_BYTES + " bytes, got " + key.length);
    }
    return new RecordProof(key.clone());
  }

  /** No proofs: signs nothing and accepts everything (--insecure runs and unit tests of other parts). */
  public static RecordProof none() {
    return NONE;
  }

  /** A fresh random key (dev mode: every in-process node shares one instance). */
  public static RecordProof random() {
    return of(newKey());
  }

  public static byte[] newKey() {
    byte[] key = new byte[KEY_BYTES];
    new SecureRandom().nextBytes(key);
    return key;
  }

  /** Reads a key file written by {@code shardgate certs} (hex text); fails naming the setting. */
  public static RecordProof read(Path file) {
    try {
      return of(HexFormat.of().parseHex(Files.readString(file, StandardCharsets.US_ASCII).trim()));
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException("security.recordKeyFile: cannot read a hex key of at least " + KEY_BYTES
          + " bytes from " + file.toAbsolutePath() + " (" + e.getMessage() + ")");
    }
  }

  /**
   * What a cluster-mode shard or cache node uses: the configured key, or none when the configuration
   * says insecure. Fails at start, with what to do, when the key is missing or wrong.
   */
  public static RecordProof configured(io.shardgate.cluster.config.Settings.Security security) {
    if (security.insecure()) {
      return none();
    }
    if (security.recordKeyFile() == null) {
      throw new io.shardgate.cluster.config.ConfigException("shard and cache nodes prove record versions with a shared "
          + "key: set security.recordKeyFile (`java -jar shardgate.jar certs --out DIR` writes DIR/record.key), "
          + "or start with --insecure");
    }
    try {
      return read(Path.of(security.recordKeyFile()));
    } catch (IllegalArgumentException e) {
      throw new io.shardgate.cluster.config.ConfigException(e.getMessage());
    }
  }

  /** The proof of this version of the record (body: its bytes as answered; empty or null for a delete). */
  public String sign(String collection, String recordKey, long version, Buffer body) {
    if (key == null) {
      return null;
    }
    Mac mac = macs.get();
    mac.update(collection.getBytes(StandardCharsets.UTF_8));
    mac.update((byte) 0);
    mac.update(recordKey.getBytes(StandardCharsets.UTF_8));
    mac.update((byte) 0);
    for (int shift = 56; shift >= 0; shift -= 8) {
      mac.update((byte) (version >>> shift));
    }
    if (body != null && body.length() > 0) {
      mac.update(body.getBytes());
    }
    return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal());
  }

  /** Whether the proof matches; always true when proofs are off. Constant-time comparison. */
  public boolean verify(String proof, String collection, String recordKey, long version, Buffer body) {
    if (key == null) {
      return true;
    }
    if (proof == null) {
      return false;
    }
    byte[] expected = sign(collection, recordKey, version, body).getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(expected, proof.getBytes(StandardCharsets.US_ASCII));
  }

  private Mac newMac() {
    try {
      Mac mac = Mac.getInstance(HMAC);
      mac.init(key);
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM has no " + HMAC, e);
    }
  }
}
