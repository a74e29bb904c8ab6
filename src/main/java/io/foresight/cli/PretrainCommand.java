package io.foresight.cli;

import io.foresight.data.Dataset;
import io.foresight.data.DatasetReaders;
import io.foresight.learn.EncodedDataset;
import io.foresight.learn.Objective;
import io.foresight.learn.Pretrainer;
import io.foresight.model.ForesightNet;
import io.foresight.model.Tokenizer;
import io.foresight.wire.Checkpoint;
import io.foresight.wire.CheckpointCodec;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code pretrain}: self-supervised training on unlabelled series; writes a checkpoint. */
@Command(name = "pretrain", mixinStandardHelpOptions = true,
    description = "Pretrain an encoder on the series of a file (labels, if any, are ignored).")
final class PretrainCommand implements Callable<Integer> {

  @Option(names = "--train", required = true, description = "Series to learn from (.tsv, .ts, .csv).")
  Path train;

  @Option(names = "--objective", defaultValue = "next-step",
      description = "next-step, masked, contrastive, all, hierarchical (TS2Vec's hierarchical"
          + " contrast), hierarchical+next-step or hierarchical+masked (default: ${DEFAULT-VALUE}:"
          + " a checkpoint for the stream, whose surprise score is the next-step loss).")
  String objective;

  @Option(names = "--budget-seconds", defaultValue = "300",
      description = "Wall-clock budget (default: ${DEFAULT-VALUE}).")
  double budgetSeconds;

  @Option(names = "--max-steps", defaultValue = "1000000", description = "Step budget (default: ${DEFAULT-VALUE}).")
  int maxSteps;

  @Option(names = "--out", required = true, description = "Checkpoint to write.")
  Path out;

  @Mixin ModelOptions model;
  @Mixin TokenizerOptions tokenizerOptions;
  @Mixin ClampOption clamp;
  @Mixin TrainingFlags training;

  @Override
  public Integer call() throws Exception {
    Objective chosen = Objective.parse(objective);
    Pretrainer.requireSupported(model.config(), chosen);
    Dataset dataset = DatasetReaders.read(train);
    Tokenizer tokenizer = tokenizerOptions.tokenizer(dataset);
    EncodedDataset data =
        EncodedDataset.of(dataset, tokenizer, List.of(), clamp.outOfRange());
    try (ForesightNet net = ForesightNet.create(model.config(), tokenizer);
        ProgressBar bar = Progress.bar("pretrain " + chosen, (long) budgetSeconds, "s")) {
      Pretrainer.Result result =
          Pretrainer.pretrain(
              net, data.series(), chosen, training.options(budgetSeconds, maxSteps),
              Progress.training(bar));
      Map<String, Double> metrics =
          Map.of(
              "steps", (double) result.steps(),
              "seconds", result.seconds(),
              "firstLoss", result.firstLoss(10),
              "lastLoss", result.lastLoss(10),
              "windowsPerSecond", result.windowsPerSecond(),
              "clampedSteps", (double) data.clamped());
      CheckpointCodec.write(Checkpoint.of(net, 0, List.of(), metrics), out);
      bar.close();
      System.out.printf(
          java.util.Locale.ROOT,
          "pretrained %s on %d series (%s): %d steps in %.1f s, loss %.4f -> %.4f; wrote %s%n",
          chosen, data.size(), tokenizer.mode(), result.steps(), result.seconds(),
          result.firstLoss(10), result.lastLoss(10), out);
    }
    return 0;
  }
}
