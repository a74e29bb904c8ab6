package io.foresight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.foresight.model.ForesightNet;
import io.foresight.model.Encoder;
import io.foresight.model.ModelConfig;
import io.foresight.model.SingleCpuThread;
import io.foresight.model.Tokenizer;
import io.foresight.wire.Checkpoint;
import io.foresight.wire.CheckpointCodec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The commands end to end through {@link Main#run}, on budgets of a few seconds. */
@ExtendWith(SingleCpuThread.class)
class CliTest {

  private static final Path DATA = Path.of("src/test/resources/datasets/GunPoint");
  private static final String TRAIN = DATA.resolve("GunPoint_TRAIN.tsv").toString();
  private static final String TEST = DATA.resolve("GunPoint_TEST.tsv").toString();
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  /** What one command line did. */
  record Run(int exitCode, String out, String err) {}

  /** Runs a command line in this JVM, capturing standard output and error. */
  static Run run(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code;
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      code = Main.run(args);
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
    Run run = new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    // Echo for whoever reads the test log.
    oldOut.println("$ foresight " + String.join(" ", args) + " -> " + code + "\n" + run.out());
    return run;
  }

  @Test
  void pretrainThenFinetuneThenEmbedProducesOneLabelledEmbeddingPerSeries() throws IOException {
    Path pretrained = dir.resolve("X.ckpt");
    Path finetuned = dir.resolve("Y.ckpt");
    Path embeddings = dir.resolve("e.jsonl");

    Run pretrain =
        run("pretrain", "--train", TRAIN, "--budget-seconds", "3", "--channels", "8", "--blocks", "2",
            "--out", pretrained.toString());
    assertThat(pretrain.exitCode()).as(pretrain.err()).isZero();
    Checkpoint x = CheckpointCodec.read(pretrained);
    assertThat(x.config().channels()).isEqualTo(8);
    assertThat(x.config().blocks()).isEqualTo(2);
    assertThat(x.config().numClasses()).isZero();
    assertThat(x.tokenizer().mode()).isEqualTo(Tokenizer.Mode.REAL);
    assertThat(x.metrics()).containsKeys("steps", "firstLoss", "lastLoss");
    assertThat(x.metrics().get("steps")).isPositive();

    Run finetune =
        run("finetune", "--checkpoint", pretrained.toString(), "--train", TRAIN, "--test", TEST,
            "--budget-seconds", "3", "--max-steps", "20", "--out", finetuned.toString());
    assertThat(finetune.exitCode()).as(finetune.err()).isZero();
    Checkpoint y = CheckpointCodec.read(finetuned);
    assertThat(y.classNames()).containsExactly("1", "2");
    assertThat(y.config().numClasses()).isEqualTo(2);
    assertThat(y.metrics().get("finetuneSteps")).isBetween(1.0, 20.0);
    assertThat(y.metrics().get("testAccuracy")).isBetween(0.0, 1.0);
    // The encoder started from the pretrained one; fine-tuning moved it.
    assertThat(y.sections().get(ForesightNet.ENCODER))
        .isNotEqualTo(x.sections().get(ForesightNet.ENCODER));

    Run embed =
        run("embed", "--checkpoint", finetuned.toString(), "--input", TEST, "--out", embeddings.toString());
    assertThat(embed.exitCode()).as(embed.err()).isZero();
    List<String> lines = Files.readAllLines(embeddings);
    assertThat(lines).hasSize(150);
    List<String> testLabels = new ArrayList<>();
    for (String row : Files.readAllLines(Path.of(TEST))) {
      testLabels.add(row.split("\t")[0]);
    }
    Set<String> predictedLabels = new HashSet<>();
    for (int i = 0; i < lines.size(); i++) {
      JsonNode line = JSON.readTree(lines.get(i));
      assertThat(line.get("index").asInt()).isEqualTo(i);
      assertThat(line.get("label").asText()).isEqualTo(testLabels.get(i));
      assertThat(line.get("length").asInt()).isEqualTo(150);
      assertThat(line.get("surprise").asDouble()).isPositive();
      JsonNode embedding = line.get("embedding");
      assertThat(embedding.isArray()).isTrue();
      assertThat(embedding.size()).isEqualTo(16); // mean and max of 8 channels
      embedding.forEach(v -> assertThat(v.isNumber()).isTrue());
      String predicted = line.get("predicted").asText();
      assertThat(predicted).isIn("1", "2");
      predictedLabels.add(predicted);
      JsonNode p = line.get("probabilities");
      assertThat(p.get("1").asDouble() + p.get("2").asDouble()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
      // The predicted label is the more probable class.
      assertThat(p.get(predicted).asDouble()).isGreaterThanOrEqualTo(0.5);
    }
    assertThat(predictedLabels).isNotEmpty();
  }

  @Test
  void evaluateWritesAReportWithEveryMethodAndAPlot() throws IOException {
    Path report = dir.resolve("r.json");
    Path plot = dir.resolve("p.png");
    Run evaluate =
        run("evaluate", "--train", TRAIN, "--test", TEST, "--objective", "next-step", "--seeds", "1",
            "--label-fractions", "0.5,1.0", "--budget-seconds", "8", "--channels", "8", "--blocks", "2",
            "--out", report.toString(), "--plot", plot.toString());
    assertThat(evaluate.exitCode()).as(evaluate.err()).isZero();

    JsonNode r = JSON.readTree(report.toFile());
    assertThat(r.get("dataset").asText()).isEqualTo("GunPoint");
    assertThat(r.get("trainSize").asInt()).isEqualTo(50);
    assertThat(r.get("testSize").asInt()).isEqualTo(150);
    assertThat(r.get("classes").asInt()).isEqualTo(2);
    assertThat(r.get("length").get("min").asInt()).isEqualTo(150);
    assertThat(r.get("length").get("max").asInt()).isEqualTo(150);
    assertThat(r.get("majorityRate").asDouble()).isBetween(0.49, 0.52);

    Set<String> methods = new HashSet<>();
    Set<String> methodAndFraction = new HashSet<>();
    for (JsonNode result : r.get("results")) {
      String method = result.get("method").asText();
      methods.add(method);
      methodAndFraction.add(method + "@" + result.get("labelFraction").asDouble());
      JsonNode accuracy = result.get("accuracy");
      assertThat(accuracy.get("mean").asDouble()).as(method).isBetween(0.0, 1.0);
      assertThat(accuracy.get("runs").size()).as(method).isEqualTo(1);
      if (method.startsWith("ssl")) {
        assertThat(result.get("objective").asText()).isEqualTo("next-step");
      }
      // MiniRocket needs no training budget: on GunPoint it is right however short the run.
      if (method.equals("minirocket") && result.get("labelFraction").asDouble() == 1.0) {
        assertThat(accuracy.get("mean").asDouble()).isGreaterThan(0.95);
      }
    }
    assertThat(methods)
        .containsExactlyInAnyOrder(
            "supervised", "minirocket", "ssl-probe", "ssl-finetune", "ssl+minirocket");
    assertThat(methodAndFraction)
        .containsExactlyInAnyOrder(
            "supervised@0.5", "supervised@1.0", "minirocket@0.5", "minirocket@1.0",
            "ssl-probe@0.5", "ssl-probe@1.0", "ssl-finetune@0.5", "ssl-finetune@1.0",
            "ssl+minirocket@0.5", "ssl+minirocket@1.0");

    byte[] png = Files.readAllBytes(plot);
    assertThat(png.length).isGreaterThan(1000);
    assertThat(png).startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
  }

  @Test
  void gapsInsideSeriesAreRefusedByDefaultAndEvaluatedWithMissingKeep() throws IOException {
    Path train = withGaps(Path.of(TRAIN), "Gappy_TRAIN.tsv");
    Path test = withGaps(Path.of(TEST), "Gappy_TEST.tsv");
    Path report = dir.resolve("gaps.json");
    String[] common = {"evaluate", "--train", train.toString(), "--test", test.toString(),
        "--objective", "next-step", "--seeds", "1", "--label-fractions", "1.0", "--budget-seconds",
        "4", "--channels", "8", "--blocks", "2", "--out", report.toString()};

    Run refused = run(common);
    assertThat(refused.exitCode()).isNotZero();
    assertThat(refused.err()).contains(train + ":1").contains("inside the series at step 20");

    String[] keep = Arrays.copyOf(common, common.length + 2);
    keep[common.length] = "--missing";
    keep[common.length + 1] = "keep";
    Run kept = run(keep);
    assertThat(kept.exitCode()).as(kept.err()).isZero();
    for (JsonNode result : JSON.readTree(report.toFile()).get("results")) {
      if (result.get("method").asText().equals("minirocket")) {
        assertThat(result.get("accuracy").get("mean").asDouble()).isGreaterThan(0.9);
      }
    }
  }

  /** A copy of a UCR file with six missing steps (20..25) in every third series. */
  private Path withGaps(Path source, String name) throws IOException {
    List<String> lines = Files.readAllLines(source);
    for (int i = 0; i < lines.size(); i += 3) {
      String[] fields = lines.get(i).split("\t");
      for (int step = 20; step <= 25; step++) {
        fields[step + 1] = "NaN";
      }
      lines.set(i, String.join("\t", fields));
    }
    return Files.write(dir.resolve(name), lines);
  }

  @Test
  void aMalformedInputFileFailsWithItsFileAndLineNotAStackTrace() throws IOException {
    Path bad = dir.resolve("Bad_TRAIN.tsv");
    Files.writeString(bad, "1\t0.5\t0.7\n2\t0.1\t0.2\n1\t0.3\tabc\n");
    Path out = dir.resolve("never.ckpt");
    Run pretrain = run("pretrain", "--train", bad.toString(), "--budget-seconds", "1", "--out", out.toString());
    assertThat(pretrain.exitCode()).isNotZero();
    assertThat(pretrain.err()).contains(bad + ":3").contains("abc");
    assertNoStackTrace(pretrain.err());
    assertThat(out).doesNotExist();

    Path checkpoint = smallCheckpoint();
    Run embed =
        run("embed", "--checkpoint", checkpoint.toString(), "--input", bad.toString(), "--out",
            dir.resolve("e.jsonl").toString());
    assertThat(embed.exitCode()).isNotZero();
    assertThat(embed.err()).contains(bad + ":3");
    assertNoStackTrace(embed.err());
  }

  @Test
  void aCorruptedCheckpointMakesEmbedFail() throws IOException {
    Path checkpoint = smallCheckpoint();
    byte[] bytes = Files.readAllBytes(checkpoint);
    bytes[bytes.length / 2] ^= 0x01;
    Files.write(checkpoint, bytes);
    Path out = dir.resolve("e.jsonl");
    Run embed =
        run("embed", "--checkpoint", checkpoint.toString(), "--input", TEST, "--out", out.toString());
    assertThat(embed.exitCode()).isNotZero();
    assertThat(embed.err()).contains(checkpoint.toString()).contains("checksum");
    assertNoStackTrace(embed.err());
    assertThat(out).doesNotExist();
  }

  @Test
  void aMissingRequiredOptionIsAUsageError() {
    Run pretrain = run("pretrain", "--budget-seconds", "1");
    assertThat(pretrain.exitCode()).isEqualTo(2);
    assertThat(pretrain.err()).contains("--train").contains("--out");
  }

  /** An untrained 8-channel checkpoint with a GunPoint-like classifier, written without training. */
  private Path smallCheckpoint() throws IOException {
    Path file = dir.resolve("small.ckpt");
    try (ForesightNet net =
        ForesightNet.create(
            new ModelConfig(Encoder.CAUSAL_CNN, 8, 2, 3, 16, 2), Tokenizer.real(64, 5.0))) {
      CheckpointCodec.write(Checkpoint.of(net, 0, List.of("1", "2"), Map.of()), file);
    }
    return file;
  }

  private static void assertNoStackTrace(String err) {
    assertThat(err).doesNotContain("\tat ").doesNotContain("Exception in thread");
  }
}
