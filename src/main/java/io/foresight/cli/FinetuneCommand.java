package io.foresight.cli;

import io.foresight.data.Dataset;
import io.foresight.data.DatasetReaders;
import io.foresight.learn.ClassifierTrainer;
import io.foresight.learn.EncodedDataset;
import io.foresight.learn.Inference;
import io.foresight.learn.Pretrainer;
import io.foresight.model.ForesightNet;
import io.foresight.wire.Checkpoint;
import io.foresight.wire.CheckpointCodec;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code finetune}: trains a classifier head (and the encoder, unless frozen) from labelled series. */
@Command(name = "finetune", mixinStandardHelpOptions = true,
    description = "Train a classifier on a pretrained encoder from labelled series.")
final class FinetuneCommand implements Callable<Integer> {

  @Option(names = "--checkpoint", required = true, description = "Pretrained checkpoint to start from.")
  Path checkpoint;

  @Option(names = "--train", required = true, description = "Labelled series (.tsv, .ts, .csv with labels).")
  Path train;

  @Option(names = "--test", description = "Labelled series to report accuracy on (optional).")
  Path test;

  @Option(names = "--freeze-encoder", description = "Train only the classifier head (a linear probe).")
  boolean freezeEncoder;

  @Option(names = "--budget-seconds", defaultValue = "120", description = "Wall-clock budget (default: ${DEFAULT-VALUE}).")
  double budgetSeconds;

  @Option(names = "--max-steps", defaultValue = "500", description = "Step budget (default: ${DEFAULT-VALUE}).")
  int maxSteps;

  @Mixin ClampOption clamp;

  @Option(names = "--out", required = true, description = "Checkpoint to write.")
  Path out;

  @Mixin TrainingFlags training;

  @Override
  public Integer call() throws Exception {
    Checkpoint start = CheckpointCodec.read(checkpoint);
    Dataset dataset = DatasetReaders.read(train);
    if (!dataset.isLabelled()) {
      throw new IllegalArgumentException(train + ": every series needs a label to fine-tune on");
    }
    List<String> classes = dataset.classNames();
    EncodedDataset data = EncodedDataset.of(dataset, start.tokenizer(), classes, clamp.outOfRange());
    Map<String, byte[]> pretrained = new HashMap<>(start.sections());
    pretrained.remove(ForesightNet.CLASSIFIER_HEAD);
    try (ForesightNet net =
            ForesightNet.create(start.config().withClasses(classes.size()), start.tokenizer());
        ProgressBar bar = Progress.bar("finetune", (long) budgetSeconds, "s")) {
      net.load(pretrained);
      Pretrainer.Result result =
          ClassifierTrainer.train(
              net, data.series(), data.labels(), training.options(budgetSeconds, maxSteps),
              freezeEncoder, true, Progress.training(bar));
      bar.close();
      Map<String, Double> metrics = new HashMap<>(start.metrics());
      metrics.put("finetuneSteps", (double) result.steps());
      metrics.put("finetuneLoss", result.lastLoss(10));
      metrics.put("trainAccuracy", accuracy(net, data));
      String summary = "";
      if (test != null) {
        EncodedDataset testData =
            EncodedDataset.of(DatasetReaders.read(test), start.tokenizer(), classes,
                io.foresight.model.Tokenizer.OutOfRange.CLAMP);
        double testAccuracy = accuracy(net, testData);
        metrics.put("testAccuracy", testAccuracy);
        summary = String.format(java.util.Locale.ROOT, ", test accuracy %.4f", testAccuracy);
      }
      CheckpointCodec.write(Checkpoint.of(net, start.modelVersion(), classes, metrics), out);
      System.out.printf(
          java.util.Locale.ROOT,
          "fine-tuned on %d series, %d classes: %d steps, train accuracy %.4f%s; wrote %s%n",
          data.size(), classes.size(), result.steps(), metrics.get("trainAccuracy"), summary, out);
    }
    return 0;
  }

  private static double accuracy(ForesightNet net, EncodedDataset data) {
    Inference.Output output = Inference.run(net, data.series());
    return data.accuracy(Inference.argmax(output.probabilities()));
  }
}
