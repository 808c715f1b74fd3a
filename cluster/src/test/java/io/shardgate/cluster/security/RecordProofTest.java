package io.shardgate.cluster.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A proof binds collection, key, version and bytes; anything else, or another key, does not verify. */
class RecordProofTest {
  private static final Buffer BODY = Buffer.buffer("{\"id\":\"1\",\"name\":\"Ada\"}");

  @Test
  void aProofVerifiesOnlyForWhatWasSigned() {
    RecordProof proofs = RecordProof.random();
    String proof = proofs.sign("expenses", "1", 7, BODY);
    assertThat(proofs.verify(proof, "expenses", "1", 7, BODY)).isTrue();
    assertThat(proofs.verify(proof, "expenses", "1", 8, BODY)).as("another version").isFalse();
    assertThat(proofs.verify(proof, "expenses", "2", 7, BODY)).as("another key").isFalse();
    assertThat(proofs.verify(proof, "expense", "s1", 7, BODY)).as("the same bytes split differently").isFalse();
    assertThat(proofs.verify(proof, "expenses", "1", 7, Buffer.buffer("{\"id\":\"1\",\"name\":\"FORGED\"}"))).isFalse();
    assertThat(proofs.verify(null, "expenses", "1", 7, BODY)).as("no proof").isFalse();
    assertThat(RecordProof.random().verify(proof, "expenses", "1", 7, BODY)).as("another cluster's key").isFalse();
  }

  @Test
  void aDeleteIsProvenWithoutABody() {
    RecordProof proofs = RecordProof.random();
    String tombstone = proofs.sign("expenses", "1", 9, null);
    assertThat(proofs.verify(tombstone, "expenses", "1", 9, Buffer.buffer())).isTrue();
    assertThat(proofs.verify(tombstone, "expenses", "1", 9, BODY)).isFalse();
  }

  @Test
  void withoutProofsNothingIsSignedAndEverythingPasses() {
    assertThat(RecordProof.none().sign("expenses", "1", 1, BODY)).isNull();
    assertThat(RecordProof.none().verify(null, "expenses", "1", Long.MAX_VALUE, BODY)).isTrue();
  }

  @Test
  void keysAreReadFromHexFilesAndShortOrMissingOnesAreRefused(@TempDir Path dir) throws Exception {
    byte[] key = RecordProof.newKey();
    Files.writeString(dir.resolve("record.key"), HexFormat.of().formatHex(key) + "\n");
    String proof = RecordProof.of(key).sign("c", "k", 1, BODY);
    assertThat(RecordProof.read(dir.resolve("record.key")).verify(proof, "c", "k", 1, BODY)).isTrue();
    Files.writeString(dir.resolve("short.key"), "abcd");
    assertThatThrownBy(() -> RecordProof.read(dir.resolve("short.key"))).hasMessageContaining("security.recordKeyFile");
    assertThatThrownBy(() -> RecordProof.read(dir.resolve("missing.key"))).hasMessageContaining("missing.key");
  }
}
