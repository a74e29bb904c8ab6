package io.foresight.learn;

import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
import io.foresight.data.Dataset;
import io.foresight.model.ForesightNet;
import io.foresight.model.ModelConfig;
import io.foresight.model.Tokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The protocol behind {@code evaluate}: does self-supervised pretraining raise accuracy when labels are
 * few?
 *
 * <p>For every objective and pretraining fraction, one encoder is pretrained on that share of the TRAIN
 * inputs (labels unseen; TEST never seen). Then for every seed and label fraction a stratified labelled
 * subset of TRAIN is drawn and three methods are scored on TEST:
 *
 * <ul>
 *   <li>{@code supervised}: the same architecture from random weights, trained on the subset alone;
 *   <li>{@code ssl-probe}: the frozen pretrained encoder's embeddings, an RBF SVM fit on the subset;
 *   <li>{@code ssl-finetune}: the pretrained encoder and a new classifier head, the head first fitted
 *       on the frozen embeddings, then both trained together.
 * </ul>
 *
 * Seeds vary the labelled subset and the downstream initialisation; each pretraining runs once and is
 * shared by all seeds (a full pretraining per seed would triple the time on 2 cores). The wall-clock
 * budget is split evenly, half over the pretrainings and half over the downstream fits; each task gets
 * its share of the time left when it starts, so scoring costs come out of later tasks.
 */
public final class Evaluation {

  /**
   * @param pretrainMaxSteps cap on steps per pretraining, besides its share of the budget
   * @param trainMaxSteps cap on steps per supervised or fine-tuning fit, besides its share
   */
  public record Options(
      List<Objective> objectives,
      List<Double> labelFractions,
      List<Double> pretrainFractions,
      int seeds,
      double budgetSeconds,
      ModelConfig model,
      TrainingOptions training,
      int pretrainMaxSteps,
      int trainMaxSteps) {

    public int pretrainings() {
      return objectives.size() * pretrainFractions.size();
    }

    public int downstreamFits() {
      return seeds * labelFractions.size() * (1 + pretrainings());
    }

    /**
     * The budget in units of one downstream fit: together the pretrainings weigh as much as all the
     * fits, so half the time goes to each.
     */
    TimeBudget budget() {
      return new TimeBudget(budgetSeconds, 2.0 * downstreamFits());
    }

    /** Weight of one pretraining in fit units. */
    double pretrainingUnits() {
      return pretrainings() == 0 ? 0 : downstreamFits() / (double) pretrainings();
    }
  }

  private Evaluation() {}

  /**
   * Runs the protocol.
   *
   * @param progress told the name of each pretraining or fit as it ends
   */
  public static EvaluationReport run(
      Dataset trainSet, Dataset testSet, Options options, Consumer<String> progress) {
    long start = System.nanoTime();
    if (!trainSet.isLabelled()) {
      throw new IllegalArgumentException("evaluate needs labels on every TRAIN series");
    }
    List<String> classNames = trainSet.classNames();
    Tokenizer tokenizer =
        Tokenizer.detect(trainSet.series().stream().map(io.foresight.data.Series::values).toList());
    EncodedDataset train =
        EncodedDataset.of(trainSet, tokenizer, classNames, Tokenizer.OutOfRange.ERROR);
    EncodedDataset test =
        EncodedDataset.of(testSet, tokenizer, classNames, Tokenizer.OutOfRange.CLAMP);
    ModelConfig classifierConfig = options.model().withClasses(classNames.size());

    // The labelled subsets, fixed per (seed, fraction) so every method sees the same labels.
    List<Subset> subsets = new ArrayList<>();
    for (double fraction : options.labelFractions()) {
      for (int seed = 0; seed < options.seeds(); seed++) {
        List<Integer> members =
            LabelledSubsets.stratified(train.labels(), classNames.size(), fraction, seed);
        subsets.add(new Subset(fraction, seed, members, train.subset(members)));
      }
    }
    TimeBudget budget = options.budget();

    List<EvaluationReport.Result> results = new ArrayList<>();
    for (double fraction : options.labelFractions()) {
      List<Double> runs = new ArrayList<>();
      double seconds = 0;
      for (Subset subset : subsets) {
        if (subset.fraction != fraction) {
          continue;
        }
        Engine.getInstance().setRandomSeed((int) subset.seed);
        try (ForesightNet net = ForesightNet.create(classifierConfig, tokenizer)) {
          Pretrainer.Result r = fitClassifier(net, subset, options, budget, false);
          seconds += r.seconds();
          runs.add(score(net, test));
        }
        progress.accept("supervised " + subset);
      }
      results.add(
          new EvaluationReport.Result(
              "supervised", null, fraction, null, EvaluationReport.Accuracy.of(runs), 0,
              seconds / runs.size()));
    }

    for (Objective objective : options.objectives()) {
      for (double pretrainFraction : options.pretrainFractions()) {
        results.addAll(
            pretrainAndScore(
                objective, pretrainFraction, options, tokenizer, classifierConfig, train, test,
                subsets, budget, progress));
      }
    }
    return new EvaluationReport(
        trainSet.name(),
        train.size(),
        test.size(),
        classNames.size(),
        new EvaluationReport.Range(
            Math.min(trainSet.minLength(), testSet.minLength()),
            Math.max(trainSet.maxLength(), testSet.maxLength())),
        test.majorityRate(),
        options.budgetSeconds(),
        options.model().encoder(),
        options.model().channels(),
        options.model().blocks(),
        tokenizer.mode().name().toLowerCase(java.util.Locale.ROOT) + "/" + tokenizer.vocabulary(),
        (System.nanoTime() - start) / 1e9,
        results);
  }

  private static List<EvaluationReport.Result> pretrainAndScore(
      Objective objective,
      double pretrainFraction,
      Options options,
      Tokenizer tokenizer,
      ModelConfig classifierConfig,
      EncodedDataset train,
      EncodedDataset test,
      List<Subset> subsets,
      TimeBudget budget,
      Consumer<String> progress) {
    Engine.getInstance().setRandomSeed(0);
    Map<String, byte[]> encoder;
    float[][] trainEmbeddings;
    float[][] testEmbeddings;
    double pretrainSeconds;
    try (ForesightNet net = ForesightNet.create(options.model(), tokenizer)) {
      EncodedDataset unlabelled =
          train.subset(LabelledSubsets.random(train.size(), pretrainFraction, 0));
      Pretrainer.Result pretrained =
          Pretrainer.pretrain(
              net,
              unlabelled.series(),
              objective,
              options
                  .training()
                  .withBudget(budget.take(options.pretrainingUnits()), options.pretrainMaxSteps()),
              Pretrainer.StepListener.NONE);
      pretrainSeconds = pretrained.seconds();
      encoder = Map.of(ForesightNet.ENCODER, net.saveSections().get(ForesightNet.ENCODER));
      trainEmbeddings = Inference.run(net, train.series()).embeddings();
      testEmbeddings = Inference.run(net, test.series()).embeddings();
    }
    progress.accept("pretrain " + objective + " on " + pretrainFraction);

    List<EvaluationReport.Result> results = new ArrayList<>();
    for (double fraction : options.labelFractions()) {
      List<Double> probeRuns = new ArrayList<>();
      List<Double> finetuneRuns = new ArrayList<>();
      double probeSeconds = 0;
      double finetuneSeconds = 0;
      for (Subset subset : subsets) {
        if (subset.fraction != fraction) {
          continue;
        }
        long probeStart = System.nanoTime();
        float[][] x = new float[subset.members.size()][];
        for (int i = 0; i < x.length; i++) {
          x[i] = trainEmbeddings[subset.members.get(i)];
        }
        SvmProbe probe = SvmProbe.fit(
                x, subset.data.labels(), train.classNames().size(), trainEmbeddings, subset.seed);
        int[] predicted = new int[testEmbeddings.length];
        for (int i = 0; i < predicted.length; i++) {
          predicted[i] = probe.predict(testEmbeddings[i]);
        }
        probeRuns.add(test.accuracy(predicted));
        probeSeconds += (System.nanoTime() - probeStart) / 1e9;

        Engine.getInstance().setRandomSeed((int) subset.seed);
        try (ForesightNet net = ForesightNet.create(classifierConfig, tokenizer)) {
          net.load(encoder);
          Pretrainer.Result r = fitClassifier(net, subset, options, budget, true);
          finetuneSeconds += r.seconds();
          finetuneRuns.add(score(net, test));
        } catch (MalformedModelException e) {
          throw new IllegalStateException("an encoder this run saved must load back", e);
        }
        progress.accept("fine-tune " + objective + " " + subset);
      }
      Double pf = pretrainFraction;
      results.add(
          new EvaluationReport.Result(
              "ssl-probe", objective.cliName(), fraction, pf, EvaluationReport.Accuracy.of(probeRuns),
              pretrainSeconds, probeSeconds / probeRuns.size()));
      results.add(
          new EvaluationReport.Result(
              "ssl-finetune", objective.cliName(), fraction, pf,
              EvaluationReport.Accuracy.of(finetuneRuns), pretrainSeconds,
              finetuneSeconds / finetuneRuns.size()));
    }
    return results;
  }

  private static Pretrainer.Result fitClassifier(
      ForesightNet net, Subset subset, Options options, TimeBudget budget, boolean pretrained) {
    return ClassifierTrainer.train(
        net,
        subset.data.series(),
        subset.data.labels(),
        options
            .training()
            .withBudget(budget.take(1), options.trainMaxSteps())
            .withSeed(subset.seed),
        false,
        pretrained,
        Pretrainer.StepListener.NONE);
  }

  private static double score(ForesightNet net, EncodedDataset test) {
    Inference.Output out = Inference.run(net, test.series());
    return test.accuracy(Inference.argmax(out.probabilities()));
  }

  /** One labelled subset of TRAIN. */
  private record Subset(double fraction, long seed, List<Integer> members, EncodedDataset data) {
    @Override
    public String toString() {
      return "labels " + fraction + " seed " + seed;
    }
  }
}
