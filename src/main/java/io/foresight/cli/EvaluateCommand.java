package io.foresight.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.foresight.data.Dataset;
import io.foresight.data.DatasetReaders;
import io.foresight.data.Gaps;
import io.foresight.learn.Evaluation;
import io.foresight.learn.EvaluationReport;
import io.foresight.learn.Objective;
import io.foresight.learn.Pretrainer;
import io.foresight.model.ModelConfig;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code evaluate}: the seed question on the user's own files. Contract in DESIGN.md; the protocol is
 * {@link Evaluation}.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
    description = "Does self-supervised pretraining raise test accuracy when labels are few?")
final class EvaluateCommand implements Callable<Integer> {

  static final String DEFAULT_OBJECTIVE = "hierarchical";

  @Option(names = "--train", required = true, description = "Labelled TRAIN file (.tsv, .ts, .csv).")
  Path train;

  @Option(names = "--test", required = true, description = "Labelled TEST file; only scored, never trained on.")
  Path test;

  @Option(names = "--objective", defaultValue = DEFAULT_OBJECTIVE,
      description = "Pretext objectives to compare, comma-separated: next-step, masked, contrastive,"
          + " all (those three combined), hierarchical (TS2Vec's hierarchical contrast),"
          + " hierarchical+next-step, hierarchical+masked; or all-each, every one the encoder can"
          + " learn. Each gets its own pretraining from the same budget (default: ${DEFAULT-VALUE},"
          + " chosen on TRAIN splits, README \"Choosing the defaults\").")
  String objective;

  @Option(names = "--label-fractions", defaultValue = "0.1,1.0", split = ",",
      description = "Labelled shares of TRAIN to score (default: ${DEFAULT-VALUE}).")
  List<Double> labelFractions;

  @Option(names = "--pretrain-fractions", defaultValue = "1.0", split = ",",
      description = "Shares of the TRAIN inputs pretraining may see, to show accuracy against the amount"
          + " of unlabelled data (default: ${DEFAULT-VALUE}).")
  List<Double> pretrainFractions;

  @Option(names = "--seeds", defaultValue = "3", description = "Labelled subsets drawn per fraction (default: ${DEFAULT-VALUE}).")
  int seeds;

  @Option(names = "--budget-seconds", defaultValue = "360",
      description = "Wall-clock budget for the whole evaluation, half for pretraining and half for the"
          + " downstream fits (default: ${DEFAULT-VALUE}).")
  double budgetSeconds;

  @Option(names = "--pretrain-max-steps", defaultValue = "3000", description = "Step cap per pretraining (default: ${DEFAULT-VALUE}).")
  int pretrainMaxSteps;

  @Option(names = "--train-max-steps", defaultValue = "300", description = "Step cap per supervised or fine-tuning fit (default: ${DEFAULT-VALUE}).")
  int trainMaxSteps;

  @Option(names = "--missing", defaultValue = "refuse",
      description = "Missing values (NaN in .tsv, ? or NaN in .ts) inside a series: refuse (the"
          + " default: the file is refused, naming line and step) or keep (the encoder reads a gap as"
          + " its mask id, never as a value; MiniRocket reads it linearly interpolated between its"
          + " neighbours). Trailing NaN is padding and always removed.")
  String missing;

  @Option(names = "--out", required = true, description = "report.json to write.")
  Path out;

  @Option(names = "--plot", description = "PNG of accuracy against label fraction per method.")
  Path plot;

  @Spec CommandSpec spec;

  @Mixin ModelOptions model;
  @Mixin TrainingFlags training;

  @Override
  public Integer call() throws Exception {
    ModelConfig config = model.config();
    // all-each runs every objective the encoder can learn (a non-causal one has no next step).
    List<Objective> objectives =
        objective.equals("all-each")
            ? Arrays.stream(Objective.values())
                .filter(o -> config.isCausal() || o.nextStepWeight() == 0)
                .toList()
            : Arrays.stream(objective.split(",")).map(String::strip).map(Objective::parse).toList();
    objectives.forEach(o -> Pretrainer.requireSupported(config, o));
    Gaps.Policy gaps = switch (missing.toLowerCase(Locale.ROOT)) {
      case "refuse" -> Gaps.Policy.REFUSE;
      case "keep" -> Gaps.Policy.KEEP;
      default -> throw new ParameterException(
          spec.commandLine(), "--missing must be refuse or keep, got '" + missing + "'");
    };
    Dataset trainSet = DatasetReaders.read(train, gaps);
    Dataset testSet = DatasetReaders.read(test, gaps);
    Evaluation.Options options =
        new Evaluation.Options(
            objectives, labelFractions, pretrainFractions, seeds, budgetSeconds, config,
            training.options(budgetSeconds, Integer.MAX_VALUE), pretrainMaxSteps, trainMaxSteps);
    // One step per pretraining, per downstream fit, and per MiniRocket fit (one a labelled subset).
    int tasks =
        options.pretrainings() + options.downstreamFits()
            + options.seeds() * options.labelFractions().size();
    EvaluationReport report;
    try (ProgressBar bar = Progress.bar("evaluate " + trainSet.name(), tasks, "fits")) {
      report =
          Evaluation.run(
              trainSet, testSet, options,
              done -> {
                bar.step();
                bar.setExtraMessage(done);
              });
    }
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), report);
    if (plot != null) {
      ReportPlot.write(report, plot);
    }
    System.out.printf(Locale.ROOT, "%s: %d train / %d test, %d classes, majority rate %.3f, %.0f s%n",
        report.dataset(), report.trainSize(), report.testSize(), report.classes(),
        report.majorityRate(), report.totalSeconds());
    for (EvaluationReport.Result r : report.results()) {
      System.out.printf(Locale.ROOT, "  %-14s %-22s labels %.2f pretrain %-4s accuracy %.3f ± %.3f%n",
          r.method(), r.objective() == null ? "-" : r.objective(), r.labelFraction(),
          r.pretrainFraction() == null ? "-" : r.pretrainFraction(), r.accuracy().mean(),
          r.accuracy().std());
    }
    System.out.println("wrote " + out + (plot != null ? " and " + plot : ""));
    return 0;
  }
}
