package io.foresight.wire;

import ai.djl.MalformedModelException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.foresight.classify.FittedClassifier;
import io.foresight.classify.FittedClassifierCodec;
import io.foresight.model.ForesightNet;
import io.foresight.model.ModelConfig;
import io.foresight.model.Tokenizer;
import io.foresight.wire.CorruptCheckpointException.Reason;
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
import java.util.Objects;

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
 * live trainer). Reading checks magic, version, every length against what is left, the digest, and
 * then the content ({@link #decode}), so a truncated, corrupted or forged checkpoint is rejected with a
 * {@link CorruptCheckpointException} saying what is wrong, before DJL sees any byte.
 */
public final class CheckpointCodec {

  public static final int FORMAT_VERSION = 2;
  private static final byte[] MAGIC = "FSCK".getBytes(StandardCharsets.US_ASCII);
  private static final int DIGEST_BYTES = 32;
  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private CheckpointCodec() {}

  /** Header fields as they appear in JSON; boxed, so that a missing one reads as null, not 0. */
  record Header(
      Integer formatVersion,
      Long modelVersion,
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

  /**
   * Reads a checkpoint, trusting nothing in it: every structural problem is a
   * {@link CorruptCheckpointException} whose {@link CorruptCheckpointException#reason() reason} says
   * which check failed. Beyond the layout and the digest, the header must name an architecture and a
   * tokeniser within their bounds ({@link ModelConfig}, {@link Tokenizer}) and a version in
   * {@code [0, }{@link Checkpoint#MAX_VERSION}{@code ]}, the sections must be exactly the parts of that
   * architecture, each long enough for its parameters ({@link ForesightNet#checkSections}), and the
   * classifier must read the net's embedding. Whether the parameters load is for
   * {@link Checkpoint#toNet()} to say.
   */
  public static Checkpoint decode(byte[] bytes) throws CorruptCheckpointException {
    if (bytes.length < MAGIC.length + 2 + DIGEST_BYTES
        || !Arrays.equals(Arrays.copyOf(bytes, MAGIC.length), MAGIC)) {
      throw new CorruptCheckpointException(Reason.CHECKSUM, "not a Foresight checkpoint (no FSCK magic)");
    }
    int bodyLength = bytes.length - DIGEST_BYTES;
    byte[] stored = Arrays.copyOfRange(bytes, bodyLength, bytes.length);
    if (!MessageDigest.isEqual(stored, sha256(bytes, bodyLength))) {
      throw new CorruptCheckpointException(
          Reason.CHECKSUM,
          "checksum mismatch: the checkpoint is truncated or corrupted (" + bytes.length + " bytes)");
    }
    ByteBuffer in = ByteBuffer.wrap(bytes, 0, bodyLength);
    try {
      in.position(MAGIC.length);
      int version = in.getShort() & 0xffff;
      if (version == 1) {
        throw new CorruptCheckpointException(
            Reason.FORMAT,
            "checkpoint format version 1 predates fitted classifiers and is not read by this build"
                + " (format " + FORMAT_VERSION + "): republish the model from a current trainer, or"
                + " pretrain/finetune it again");
      }
      if (version != FORMAT_VERSION) {
        throw new CorruptCheckpointException(
            Reason.FORMAT,
            "checkpoint format version " + version + " is not supported (this build reads "
                + FORMAT_VERSION + ")");
      }
      Header header = checked(readHeader(take(in, in.getInt(), "header")));
      int count = in.getShort() & 0xffff;
      Map<String, byte[]> sections = new LinkedHashMap<>();
      for (int i = 0; i < count; i++) {
        String name = new String(take(in, in.getShort() & 0xffff, "section name"), StandardCharsets.UTF_8);
        if (sections.put(name, take(in, in.getInt(), "section '" + name + "'")) != null) {
          throw new CorruptCheckpointException(Reason.LAYOUT, "section '" + name + "' appears twice");
        }
      }
      try {
        ForesightNet.checkSections(header.config(), header.tokenizer(), sections);
      } catch (MalformedModelException e) {
        throw new CorruptCheckpointException(Reason.SECTIONS, e.getMessage());
      }
      FittedClassifier classifier = readClassifier(take(in, in.getInt(), "the fitted classifier"), header);
      if (in.hasRemaining()) {
        throw new CorruptCheckpointException(
            Reason.LAYOUT, in.remaining() + " unexpected bytes after the classifier");
      }
      try {
        return new Checkpoint(
            header.modelVersion(),
            header.config(),
            header.tokenizer(),
            header.classNames() == null ? List.of() : header.classNames(),
            header.metrics() == null ? Map.of() : header.metrics(),
            sections,
            classifier);
      } catch (IllegalArgumentException | NullPointerException e) {
        // checked() has covered what the record checks; this stays a rejection if the two part ways
        throw new CorruptCheckpointException(Reason.HEADER, "inconsistent checkpoint: " + e.getMessage());
      }
    } catch (BufferUnderflowException e) {
      throw new CorruptCheckpointException(Reason.LAYOUT, "checkpoint ends inside a length field");
    }
  }

  private static Header readHeader(byte[] json) throws CorruptCheckpointException {
    try {
      return JSON.readValue(json, Header.class);
    } catch (JsonProcessingException e) {
      // The original message: a record's own check (a size above its bound) reads as itself.
      throw new CorruptCheckpointException(Reason.HEADER, "unreadable checkpoint header: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new CorruptCheckpointException(Reason.HEADER, "unreadable checkpoint header: " + e.getMessage());
    }
  }

  /** The header when every field the checkpoint needs is there and sound. */
  private static Header checked(Header header) throws CorruptCheckpointException {
    if (header == null || header.config() == null) {
      throw new CorruptCheckpointException(Reason.HEADER, "the checkpoint header has no model config");
    }
    if (header.tokenizer() == null) {
      throw new CorruptCheckpointException(Reason.HEADER, "the checkpoint header has no tokenizer");
    }
    if (header.modelVersion() == null) {
      throw new CorruptCheckpointException(Reason.HEADER, "the checkpoint header has no modelVersion");
    }
    if (header.modelVersion() < 0 || header.modelVersion() > Checkpoint.MAX_VERSION) {
      throw new CorruptCheckpointException(
          Reason.VERSION,
          "model version " + header.modelVersion() + " is outside [0, " + Checkpoint.MAX_VERSION + "]");
    }
    List<String> names = header.classNames() == null ? List.of() : header.classNames();
    if (names.stream().anyMatch(Objects::isNull)) { // List.of() refuses contains(null)
      throw new CorruptCheckpointException(Reason.HEADER, "a class name in the header is null");
    }
    if (names.size() != header.config().numClasses()) {
      throw new CorruptCheckpointException(
          Reason.HEADER,
          names.size() + " class names for a classifier head of " + header.config().numClasses() + " outputs");
    }
    if (header.metrics() != null && header.metrics().containsValue(null)) {
      throw new CorruptCheckpointException(Reason.HEADER, "a metric in the header is null");
    }
    return header;
  }

  /** The fitted classifier in {@code bytes} (none when empty), which must read this net's embedding. */
  private static FittedClassifier readClassifier(byte[] bytes, Header header)
      throws CorruptCheckpointException {
    if (bytes.length == 0) {
      return null;
    }
    FittedClassifier classifier;
    try {
      classifier = FittedClassifierCodec.decode(bytes);
    } catch (IllegalArgumentException e) {
      throw new CorruptCheckpointException(Reason.CLASSIFIER, "unreadable fitted classifier: " + e.getMessage());
    }
    if (classifier.embeddingDimensions() != header.config().embeddingDim()) {
      throw new CorruptCheckpointException(
          Reason.CLASSIFIER,
          "the fitted classifier reads " + classifier.embeddingDimensions() + " embedding dimensions;"
              + " the net gives " + header.config().embeddingDim());
    }
    return classifier;
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
      throw new CorruptCheckpointException(e.reason(), file + ": " + e.getMessage());
    }
  }

  /** Hex SHA-256 of a whole encoded checkpoint's body: the id logs and metrics show for a model. */
  public static String digestHex(byte[] encoded) {
    return HexFormat.of().formatHex(encoded, encoded.length - DIGEST_BYTES, encoded.length);
  }

  private static byte[] take(ByteBuffer in, int length, String what) throws CorruptCheckpointException {
    if (length < 0 || length > in.remaining()) {
      throw new CorruptCheckpointException(
          Reason.LAYOUT, what + " claims " + length + " bytes but only " + in.remaining() + " remain");
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
