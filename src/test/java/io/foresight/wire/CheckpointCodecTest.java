package io.foresight.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.MalformedModelException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.foresight.classify.FittedClassifier;
import io.foresight.classify.FittedClassifierCodec;
import io.foresight.learn.Inference;
import io.foresight.model.ForesightNet;
import io.foresight.model.Encoder;
import io.foresight.model.ModelConfig;
import io.foresight.model.SingleCpuThread;
import io.foresight.model.Tokenizer;
import io.foresight.model.Tokenizer.Tokens;
import io.foresight.wire.CorruptCheckpointException.Reason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(SingleCpuThread.class)
class CheckpointCodecTest {

  private static final ModelConfig CONFIG = new ModelConfig(Encoder.CAUSAL_CNN, 8, 2, 3, 16, 2);
  private static final Tokenizer TOKENIZER = Tokenizer.real(64, 5.0);

  private static ForesightNet net;
  private static Checkpoint checkpoint;
  private static byte[] encoded;

  @BeforeAll
  static void checkpointOfARealNet() {
    net = ForesightNet.create(CONFIG, TOKENIZER);
    checkpoint = Checkpoint.of(net, 7, List.of("a", "b"), Map.of("loss", 1.5));
    encoded = CheckpointCodec.encode(checkpoint);
  }

  @AfterAll
  static void closeNet() {
    net.close();
  }

  @Test
  void decodingGivesBackEveryField() throws IOException {
    Checkpoint decoded = CheckpointCodec.decode(encoded);
    assertThat(decoded.modelVersion()).isEqualTo(7);
    assertThat(decoded.config()).isEqualTo(CONFIG);
    assertThat(decoded.tokenizer()).isEqualTo(TOKENIZER);
    assertThat(decoded.classNames()).containsExactly("a", "b");
    assertThat(decoded.metrics()).containsExactlyEntriesOf(Map.of("loss", 1.5));
    assertThat(decoded.sections().keySet())
        .containsExactly(
            ForesightNet.ENCODER, ForesightNet.NEXT_HEAD, ForesightNet.MASKED_HEAD,
            ForesightNet.PROJECTION_HEAD, ForesightNet.CLASSIFIER_HEAD);
    for (Map.Entry<String, byte[]> section : checkpoint.sections().entrySet()) {
      assertThat(decoded.sections().get(section.getKey()))
          .as(section.getKey())
          .isNotEmpty()
          .containsExactly(section.getValue());
    }
    // Encoding is deterministic, so the digest can serve as the model's id.
    assertThat(CheckpointCodec.encode(decoded)).containsExactly(encoded);
  }

  @Test
  void aDecodedCheckpointRebuildsANetThatComputesTheSameOutputs() throws Exception {
    List<Tokens> input = fixedInput();
    Inference.Output original = Inference.run(net, input);
    try (ForesightNet rebuilt = CheckpointCodec.decode(encoded).toNet()) {
      assertThat(rebuilt.config()).isEqualTo(CONFIG);
      assertThat(rebuilt.hasClassifier()).isTrue();
      Inference.Output again = Inference.run(rebuilt, input);
      for (int i = 0; i < input.size(); i++) {
        assertThat(again.embeddings()[i]).containsExactly(original.embeddings()[i]);
        assertThat(again.probabilities()[i]).containsExactly(original.probabilities()[i]);
      }
      assertThat(again.surprise()).containsExactly(original.surprise());
    }
    // A fresh net with the same config computes something else: the weights really travelled.
    try (ForesightNet fresh = ForesightNet.create(CONFIG, TOKENIZER)) {
      Inference.Output other = Inference.run(fresh, input);
      assertThat(other.embeddings()[0]).isNotEqualTo(original.embeddings()[0]);
    }
  }

  @Test
  void truncatedBytesAreRejected() {
    int headerEnd = 4 + 2 + 4 + 20;
    for (int cut : new int[] {0, 3, 5, 8, headerEnd, encoded.length / 2, encoded.length - 33,
        encoded.length - 32, encoded.length - 1}) {
      byte[] truncated = Arrays.copyOf(encoded, cut);
      assertThatThrownBy(() -> CheckpointCodec.decode(truncated))
          .as("cut at %d of %d", cut, encoded.length)
          .isInstanceOf(CorruptCheckpointException.class);
    }
  }

  @Test
  void oneFlippedByteAnywhereFailsTheChecksum() {
    // Every 7th byte, plus the first after the magic and the very last (inside the digest itself).
    for (int position = 0; position < encoded.length; position += position < 4 ? 1 : 7) {
      assertFlipRejected(position);
    }
    assertFlipRejected(encoded.length - 1);
  }

  private static void assertFlipRejected(int position) {
    byte[] corrupted = encoded.clone();
    corrupted[position] ^= 0x10;
    // A flip inside the magic is caught by the magic check before the checksum.
    String expected = position < 4 ? "magic" : "checksum";
    assertThatThrownBy(() -> CheckpointCodec.decode(corrupted))
        .as("byte %d", position)
        .isInstanceOf(CorruptCheckpointException.class)
        .hasMessageContaining(expected);
  }

  @Test
  void aFormatVersionOneCheckpointIsRefusedWithTheReason() throws Exception {
    byte[] old = encoded.clone();
    old[4] = 0;
    old[5] = 1;
    byte[] digest =
        java.security.MessageDigest.getInstance("SHA-256").digest(java.util.Arrays.copyOf(old, old.length - 32));
    System.arraycopy(digest, 0, old, old.length - 32, 32);
    assertThatThrownBy(() -> CheckpointCodec.decode(old))
        .isInstanceOf(CorruptCheckpointException.class)
        .hasMessageContaining("format version 1 predates fitted classifiers");
  }

  @Test
  void theFittedClassifierTravelsWithTheNetItWasFittedOn() throws Exception {
    FittedClassifier fitted = CheckpointForge.classifier(CONFIG.embeddingDim());
    Checkpoint decoded = CheckpointCodec.decode(CheckpointCodec.encode(checkpoint.withClassifier(fitted)));
    assertThat(decoded.classifier()).isNotNull();
    assertThat(decoded.classifier().classes()).containsExactly("flat", "wave");
    assertThat(decoded.servedClasses()).containsExactly("flat", "wave");
    assertThat(decoded.classifier().quality()).isEqualTo(fitted.quality());
    assertThat(CheckpointCodec.decode(encoded).classifier()).isNull();

    FittedClassifier misfit = CheckpointForge.classifier(3);
    assertThatThrownBy(() -> checkpoint.withClassifier(misfit))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("embedding dimensions");
  }

  // Forged checkpoints below carry a valid digest: only the checks behind it can refuse them.

  @Test
  void aHeaderWithoutItsConfigTokenizerOrVersionIsCorruptNotANullPointer() {
    Map<String, String> said =
        Map.of("config", "no model config", "tokenizer", "no tokenizer", "modelVersion", "no modelVersion");
    for (Map.Entry<String, String> field : said.entrySet()) {
      CheckpointForge missing = CheckpointForge.of(checkpoint);
      missing.header.remove(field.getKey());
      assertRejected(missing.bytes(), Reason.HEADER, field.getValue());
      CheckpointForge nulled = CheckpointForge.of(checkpoint);
      nulled.header.putNull(field.getKey());
      assertRejected(nulled.bytes(), Reason.HEADER, field.getValue());
    }
    CheckpointForge nullName = CheckpointForge.of(checkpoint);
    nullName.header.putArray("classNames").addNull().add("b");
    assertRejected(nullName.bytes(), Reason.HEADER, "class name");
    CheckpointForge nullMetric = CheckpointForge.of(checkpoint);
    nullMetric.header.putObject("metrics").putNull("loss");
    assertRejected(nullMetric.bytes(), Reason.HEADER, "metric");
    CheckpointForge noEncoder = CheckpointForge.of(checkpoint);
    ((ObjectNode) noEncoder.header.get("config")).remove("encoder");
    assertRejected(noEncoder.bytes(), Reason.HEADER, "encoder");
  }

  @Test
  void sizesAboveTheirBoundsAreRefusedBeforeAnyNetIsBuilt() {
    for (String size : List.of("channels", "blocks", "kernel", "projectionDim", "numClasses")) {
      CheckpointForge huge = CheckpointForge.of(checkpoint);
      ((ObjectNode) huge.header.get("config")).put(size, 1_000_000);
      assertRejected(huge.bytes(), Reason.HEADER, size + " 1000000 is above the limit");
    }
    CheckpointForge bins = CheckpointForge.of(checkpoint);
    ((ObjectNode) bins.header.get("tokenizer")).put("vocabulary", 1_000_000);
    assertRejected(bins.bytes(), Reason.HEADER, "vocabulary must be between 2 and 65536");
    CheckpointForge infinite = CheckpointForge.of(checkpoint);
    ((ObjectNode) infinite.header.get("tokenizer")).put("limit", Double.POSITIVE_INFINITY);
    assertRejected(infinite.bytes(), Reason.HEADER, "limit");
  }

  @Test
  void sectionsMustBeTheArchitecturesPartsEachAsLongAsItsParameters() {
    // Within every bound, yet a net of some GB: the 8-channel sections cannot hold it.
    CheckpointForge large = CheckpointForge.of(checkpoint);
    ((ObjectNode) large.header.get("config")).put("channels", ModelConfig.MAX_CHANNELS).put("blocks", 8);
    assertRejected(large.bytes(), Reason.SECTIONS, "fewer than the");

    CheckpointForge missing = CheckpointForge.of(checkpoint);
    missing.sections.removeIf(s -> s.getKey().equals(ForesightNet.PROJECTION_HEAD));
    assertRejected(missing.bytes(), Reason.SECTIONS, "no 'projection' part");

    CheckpointForge none = CheckpointForge.of(checkpoint);
    none.sections.clear();
    assertRejected(none.bytes(), Reason.SECTIONS, "no 'encoder' part");

    CheckpointForge renamed = CheckpointForge.of(checkpoint);
    renamed.sections.set(1, Map.entry("nxet", renamed.section(ForesightNet.NEXT_HEAD)));
    assertRejected(renamed.bytes(), Reason.SECTIONS, "'nxet' has no place");

    CheckpointForge twice = CheckpointForge.of(checkpoint);
    twice.sections.add(Map.entry(ForesightNet.NEXT_HEAD, twice.section(ForesightNet.NEXT_HEAD)));
    assertRejected(twice.bytes(), Reason.LAYOUT, "appears twice");
  }

  @Test
  void versionsOutsideZeroToTwoToThe53AreRefused() throws IOException {
    for (long version : new long[] {Long.MAX_VALUE, Checkpoint.MAX_VERSION + 1, -1, Long.MIN_VALUE}) {
      CheckpointForge forged = CheckpointForge.of(checkpoint);
      forged.header.put("modelVersion", version);
      assertRejected(forged.bytes(), Reason.VERSION, "model version " + version + " is outside");
    }
    for (long version : new long[] {0, Checkpoint.MAX_VERSION}) {
      CheckpointForge forged = CheckpointForge.of(checkpoint);
      forged.header.put("modelVersion", version);
      assertThat(CheckpointCodec.decode(forged.bytes()).modelVersion()).isEqualTo(version);
    }
    assertThatThrownBy(() -> checkpoint.withVersion(Checkpoint.MAX_VERSION + 1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aClassifierThatIsGarbageOrReadsAnotherEmbeddingIsRefused() {
    CheckpointForge garbage = CheckpointForge.of(checkpoint);
    garbage.classifier = new byte[] {0, 2, 0, 1, 'a'};
    assertRejected(garbage.bytes(), Reason.CLASSIFIER, "unreadable fitted classifier");

    CheckpointForge misfit = CheckpointForge.of(checkpoint);
    misfit.classifier = FittedClassifierCodec.encode(CheckpointForge.classifier(3));
    assertRejected(misfit.bytes(), Reason.CLASSIFIER, "3 embedding dimensions");
  }

  @Test
  void classNamesThatDoNotMatchTheHeadAreRefused() {
    CheckpointForge forged = CheckpointForge.of(checkpoint);
    forged.header.putArray("classNames").add("a");
    assertRejected(forged.bytes(), Reason.HEADER, "1 class names for a classifier head of 2 outputs");
  }

  private static void assertRejected(byte[] bytes, Reason reason, String message) {
    assertThatThrownBy(() -> CheckpointCodec.decode(bytes))
        .isInstanceOfSatisfying(
            CorruptCheckpointException.class, e -> assertThat(e.reason()).isEqualTo(reason))
        .hasMessageContaining(message);
  }

  @Test
  void wrongMagicIsRejectedAsNotACheckpoint() {
    byte[] other = encoded.clone();
    System.arraycopy("PK\u0003\u0004".getBytes(StandardCharsets.ISO_8859_1), 0, other, 0, 4);
    assertThatThrownBy(() -> CheckpointCodec.decode(other))
        .isInstanceOf(CorruptCheckpointException.class)
        .hasMessageContaining("magic");
    assertThatThrownBy(() -> CheckpointCodec.decode("hello".getBytes(StandardCharsets.US_ASCII)))
        .isInstanceOf(CorruptCheckpointException.class)
        .hasMessageContaining("magic");
  }

  @Test
  void sectionsFromANetWithOtherChannelsDoNotFitTheArchitecture() {
    try (ForesightNet wider = ForesightNet.create(CONFIG.withSize(16, 2), TOKENIZER)) {
      Checkpoint mismatched =
          new Checkpoint(
              0, CONFIG, TOKENIZER, List.of("a", "b"), Map.of(), wider.saveSections());
      assertThatThrownBy(mismatched::toNet).isInstanceOf(MalformedModelException.class);
      // Also after a trip through the codec, which cannot know the sections' shapes.
      assertThatThrownBy(() -> CheckpointCodec.decode(CheckpointCodec.encode(mismatched)).toNet())
          .isInstanceOf(MalformedModelException.class);
      // The fine-tune path: a wider pretrained encoder into a narrower net fails at load, not at the
      // first forward pass with an EngineException.
      try (ForesightNet narrower = ForesightNet.create(CONFIG, TOKENIZER)) {
        Map<String, byte[]> encoderOnly =
            Map.of(ForesightNet.ENCODER, wider.saveSections().get(ForesightNet.ENCODER));
        assertThatThrownBy(() -> narrower.load(encoderOnly))
            .isInstanceOf(MalformedModelException.class);
      }
    }
  }

  @Test
  void anEncoderWithFewerBlocksThanTheArchitectureDoesNotFit() {
    // The stream runs out before the deeper net's last block: this mismatch is caught today.
    try (ForesightNet shallow = ForesightNet.create(CONFIG, TOKENIZER);
        ForesightNet deep = ForesightNet.create(CONFIG.withSize(8, 3), TOKENIZER)) {
      Map<String, byte[]> encoderOnly =
          Map.of(ForesightNet.ENCODER, shallow.saveSections().get(ForesightNet.ENCODER));
      assertThatThrownBy(() -> deep.load(encoderOnly))
          .isInstanceOf(MalformedModelException.class)
          .hasMessageContaining("does not fit");
    }
  }

  @Test
  void aSectionWithNoPlaceInTheModelIsRejected() {
    Map<String, byte[]> sections = new java.util.LinkedHashMap<>(checkpoint.sections());
    sections.put("decoder", sections.get(ForesightNet.NEXT_HEAD));
    Checkpoint extra = new Checkpoint(0, CONFIG, TOKENIZER, List.of("a", "b"), Map.of(), sections);
    assertThatThrownBy(extra::toNet)
        .isInstanceOf(MalformedModelException.class)
        .hasMessageContaining("decoder");
  }

  @Test
  void garbledSectionBytesDoNotFitTheArchitecture() {
    Map<String, byte[]> sections = new java.util.LinkedHashMap<>(checkpoint.sections());
    byte[] encoder = sections.get(ForesightNet.ENCODER);
    sections.put(ForesightNet.ENCODER, Arrays.copyOf(encoder, encoder.length / 2));
    Checkpoint broken = new Checkpoint(0, CONFIG, TOKENIZER, List.of("a", "b"), Map.of(), sections);
    assertThatThrownBy(broken::toNet).isInstanceOf(MalformedModelException.class);
  }

  @Test
  void writeThenReadThroughAFileRoundTripsAndLeavesNoPartialFile(@TempDir Path dir)
      throws IOException {
    Path file = dir.resolve("nested/model.ckpt");
    CheckpointCodec.write(checkpoint, file);
    assertThat(Files.readAllBytes(file)).containsExactly(encoded);
    try (var listing = Files.list(file.getParent())) {
      assertThat(listing).containsExactly(file);
    }
    Checkpoint read = CheckpointCodec.read(file);
    assertThat(read.config()).isEqualTo(CONFIG);
    assertThat(read.modelVersion()).isEqualTo(7);
    assertThat(read.sections().get(ForesightNet.ENCODER))
        .containsExactly(checkpoint.sections().get(ForesightNet.ENCODER));
  }

  @Test
  void readingACorruptFileNamesTheFile(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("bad.ckpt");
    Files.write(file, Arrays.copyOf(encoded, encoded.length - 1));
    assertThatThrownBy(() -> CheckpointCodec.read(file))
        .isInstanceOf(CorruptCheckpointException.class)
        .hasMessageContaining(file.toString());
  }

  @Test
  void classNamesMustMatchTheClassifierOutputs() {
    assertThatThrownBy(() -> Checkpoint.of(net, 0, List.of("only-one"), Map.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static List<Tokens> fixedInput() {
    Random random = new Random(11);
    List<Tokens> series = new java.util.ArrayList<>();
    for (int length : new int[] {30, 45, 12}) {
      double[] values = new double[length];
      for (int t = 0; t < length; t++) {
        values[t] = Math.sin(t / 3.0) + 0.1 * random.nextGaussian();
      }
      series.add(TOKENIZER.encode(values, Tokenizer.OutOfRange.ERROR));
    }
    return series;
  }
}
