package io.foresight.wire;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.foresight.classify.FittedClassifier;
import io.foresight.classify.FittedClassifierCodec;
import io.foresight.model.ModelConfig;
import io.foresight.model.Tokenizer;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.BufferUnderflowException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The checkpoint container, format version 2 (big-endian):
 *
 * <pre>
 *   magic "FSCK" | u16 format version | u32 header length | header JSON (UTF-8)
 *   u16 section count | per section: u16 name length, name (UTF-8), u32 length, bytes
 *   u32 classifier length (0: none) | the fitted classifier ({@link FittedClassifierCodec})
 *   SHA-256 of everything before it (32 bytes)
 * </pre>
 *
 * The header holds model version, config, tokeniser, class names and metrics. Version 2 added the
 * classifier fitted on frozen features; version 1 checkpoints are refused with that reason (their
 * classifier, if any, was a head trained with the encoder, which the scorer no longer serves from the
 * live trainer). Reading checks magic,
 * version, every length against what is left, and the digest, so a truncated or corrupted file is
 * rejected with a {@link CorruptCheckpointException} saying what is wrong, before DJL sees any byte.
 */
public final class CheckpointCodec {

  public static final int FORMAT_VERSION = 2;
  private static final byte[] MAGIC = "FSCK".getBytes(StandardCharsets.US_ASCII);
  private static final int DIGEST_BYTES = 32;
  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private CheckpointCodec() {}

  /** Header fields as they appear in JSON. */
  record Header(
      int formatVersion,
      long modelVersion,
      ModelConfig config,
      Tokenizer tokenizer,
      List<String> classNames,
      Map<String, Double> metrics) {}

  public static byte[] encode(Checkpoint checkpoint) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes);
      out.write(MAGIC);
      out.writeShort(FORMAT_VERSION);
      byte[] header =
          JSON.writeValueAsBytes(
              new Header(
                  FORMAT_VERSION,
                  checkpoint.modelVersion(),
                  checkpoint.config(),
                  checkpoint.tokenizer(),
                  checkpoint.classNames(),
                  checkpoint.metrics()));
      out.writeInt(header.length);
      out.write(header);
      out.writeShort(checkpoint.sections().size());
      for (Map.Entry<String, byte[]> section : checkpoint.sections().entrySet()) {
        byte[] name = section.getKey().getBytes(StandardCharsets.UTF_8);
        out.writeShort(name.length);
        out.write(name);
        out.writeInt(section.getValue().length);
        out.write(section.getValue());
      }
      byte[] classifier =
          checkpoint.classifier() == null ? new byte[0] : FittedClassifierCodec.encode(checkpoint.classifier());
      out.writeInt(classifier.length);
      out.write(classifier);
      out.flush();
      out.write(sha256(bytes.toByteArray(), bytes.size()));
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException("writing to memory cannot fail", e);
    }
  }

  public static Checkpoint decode(byte[] bytes) throws CorruptCheckpointException {
    if (bytes.length < MAGIC.length + 2 + DIGEST_BYTES
        || !Arrays.equals(Arrays.copyOf(bytes, MAGIC.length), MAGIC)) {
      throw new CorruptCheckpointException("not a Foresight checkpoint (no FSCK magic)");
    }
    int bodyLength = bytes.length - DIGEST_BYTES;
    byte[] stored = Arrays.copyOfRange(bytes, bodyLength, bytes.length);
    if (!MessageDigest.isEqual(stored, sha256(bytes, bodyLength))) {
      throw new CorruptCheckpointException(
          "checksum mismatch: the checkpoint is truncated or corrupted ("
              + bytes.length
              + " bytes)");
    }
    ByteBuffer in = ByteBuffer.wrap(bytes, 0, bodyLength);
    try {
      in.position(MAGIC.length);
      int version = in.getShort() & 0xffff;
      if (version == 1) {
        throw new CorruptCheckpointException(
            "checkpoint format version 1 predates fitted classifiers and is not read by this build"
                + " (format " + FORMAT_VERSION + "): republish the model from a current trainer, or"
                + " pretrain/finetune it again");
      }
      if (version != FORMAT_VERSION) {
        throw new CorruptCheckpointException(
            "checkpoint format version " + version + " is not supported (this build reads "
                + FORMAT_VERSION + ")");
      }
      Header header = JSON.readValue(take(in, in.getInt(), "header"), Header.class);
      int count = in.getShort() & 0xffff;
      Map<String, byte[]> sections = new LinkedHashMap<>();
      for (int i = 0; i < count; i++) {
        String name = new String(take(in, in.getShort() & 0xffff, "section name"), StandardCharsets.UTF_8);
        sections.put(name, take(in, in.getInt(), "section '" + name + "'"));
      }
      byte[] classifierBytes = take(in, in.getInt(), "the fitted classifier");
      FittedClassifier classifier = null;
      if (classifierBytes.length > 0) {
        try {
          classifier = FittedClassifierCodec.decode(classifierBytes);
        } catch (IllegalArgumentException e) {
          throw new CorruptCheckpointException("unreadable fitted classifier: " + e.getMessage());
        }
      }
      if (in.hasRemaining()) {
        throw new CorruptCheckpointException(in.remaining() + " unexpected bytes after the classifier");
      }
      return new Checkpoint(
          header.modelVersion(),
          header.config(),
          header.tokenizer(),
          header.classNames() == null ? List.of() : header.classNames(),
          header.metrics() == null ? Map.of() : header.metrics(),
          sections,
          classifier);
    } catch (BufferUnderflowException e) {
      throw new CorruptCheckpointException("checkpoint ends inside a length field");
    } catch (IOException | IllegalArgumentException | NullPointerException e) {
      throw new CorruptCheckpointException("unreadable checkpoint header: " + e.getMessage());
    }
  }

  public static void write(Checkpoint checkpoint, Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    // Write beside and rename, so a reader never sees half a checkpoint.
    Path partial = file.resolveSibling(file.getFileName() + ".partial");
    Files.write(partial, encode(checkpoint));
    Files.move(partial, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  public static Checkpoint read(Path file) throws IOException {
    try {
      return decode(Files.readAllBytes(file));
    } catch (CorruptCheckpointException e) {
      throw new CorruptCheckpointException(file + ": " + e.getMessage());
    }
  }

  /** Hex SHA-256 of a whole encoded checkpoint's body: the id logs and metrics show for a model. */
  public static String digestHex(byte[] encoded) {
    return HexFormat.of().formatHex(encoded, encoded.length - DIGEST_BYTES, encoded.length);
  }

  private static byte[] take(ByteBuffer in, int length, String what) throws CorruptCheckpointException {
    if (length < 0 || length > in.remaining()) {
      throw new CorruptCheckpointException(
          what + " claims " + length + " bytes but only " + in.remaining() + " remain");
    }
    byte[] out = new byte[length];
    in.get(out);
    return out;
  }

  private static byte[] sha256(byte[] bytes, int length) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(bytes, 0, length);
      return digest.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

}
