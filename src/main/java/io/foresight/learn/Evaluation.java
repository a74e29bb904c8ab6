package io.foresight.learn;

import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
import io.foresight.data.Dataset;
import io.foresight.data.Gaps;
import io.foresight.classify.CombinedProbe;
import io.foresight.minirocket.FeatureClassifier;
import io.foresight.minirocket.MiniRocket;
import io.foresight.minirocket.Standardizer;
import io.foresight.model.ForesightNet;
import io.foresight.model.ModelConfig;
import io.foresight.model.Tokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The protocol behind {@code evaluate}: does self-supervised pretraining raise accuracy when labels are
 * few?
 *
 * <p>For every objective and pretraining fraction, one encoder is pretrained on that share of the TRAIN
 * inputs (labels unseen; TEST never seen). Then for every seed and label fraction a stratified labelled
 * subset of TRAIN is drawn and these methods are scored on TEST:
 *
 * <ul>
 *   <li>{@code supervised}: the same architecture from random weights, trained on the subset alone;
 *   <li>{@code minirocket}: MiniRocket features (biases fitted on all TRAIN inputs, no labels, no
 *       pretraining) and the ridge or logistic classifier its authors use: what a practitioner would
 *       pick instead;
 *   <li>{@code ssl-probe}: the frozen pretrained encoder's embeddings, an RBF SVM fit on the subset;
 *   <li>{@code ssl-finetune}: the pretrained encoder and a new classifier head, the head first fitted
 *       on the frozen embeddings, then both trained together;
 *   <li>{@code ssl+minirocket}: both sets of features, the embedding's weight chosen on the labelled
 *       subset ({@link CombinedProbe}).
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
    Tokenizer tokenizer = Tokenizer.detect(trainSet.values());
    EncodedDataset train =
        EncodedDataset.of(trainSet, tokenizer, classNames, Tokenizer.OutOfRange.ERROR);
    EncodedDataset test =
        EncodedDataset.of(testSet, tokenizer, classNames, Tokenizer.OutOfRange.CLAMP);

    // MiniRocket is fitted once, on every TRAIN input and no label, as pretraining is; its features
    // are standardised once, with the statistics of all TRAIN series.
    long rocketStart = System.nanoTime();
    List<double[]> trainValues = filled(trainSet);
    MiniRocket rocket = MiniRocket.fit(trainValues, 0);
    float[][] rocketTrainFeatures = rocket.transform(trainValues);
    Standardizer standardizer = Standardizer.of(rocketTrainFeatures);
    double[][] rocketTrain = standardizer.apply(rocketTrainFeatures);
    double[][] rocketTest = standardizer.apply(rocket.transform(filled(testSet)));
    double rocketSeconds = (System.nanoTime() - rocketStart) / 1e9;

    // The labelled subsets, fixed per (seed, fraction) so every method sees the same labels.
    List<Subset> subsets = new ArrayList<>();
    for (double fraction : options.labelFractions()) {
      for (int seed = 0; seed < options.seeds(); seed++) {
        List<Integer> members =
            LabelledSubsets.stratified(train.labels(), classNames.size(), fraction, seed);
        subsets.add(new Subset(fraction, seed, members, train.subset(members)));
      }
    }
    Run run =
        new Run(
            options, tokenizer, options.model().withClasses(classNames.size()), train, test,
            rocketTrain, rocketTest, subsets, options.budget(), progress);

    List<EvaluationReport.Result> results = new ArrayList<>();
    for (double fraction : options.labelFractions()) {
      results.add(minirocket(run, fraction, rocketSeconds));
      results.add(supervised(run, fraction));
    }
    for (Objective objective : options.objectives()) {
      for (double pretrainFraction : options.pretrainFractions()) {
        results.addAll(pretrainAndScore(run, objective, pretrainFraction));
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
        options.model().encoder().cliName(),
        options.model().channels(),
        options.model().blocks(),
        tokenizer.mode().name().toLowerCase(Locale.ROOT) + "/" + tokenizer.vocabulary(),
        (System.nanoTime() - start) / 1e9,
        results);
  }

  /** MiniRocket features of the labelled subset (standardised on all of TRAIN), ridge or logistic. */
  private static EvaluationReport.Result minirocket(Run run, double fraction, double fitSeconds) {
    List<Double> runs = new ArrayList<>();
    double seconds = 0;
    for (Subset subset : run.subsetsAt(fraction)) {
      long fitStart = System.nanoTime();
      double[][] x = new double[subset.members.size()][];
      for (int i = 0; i < x.length; i++) {
        x[i] = run.rocketTrain[subset.members.get(i)];
      }
      FeatureClassifier.Fitted classifier =
          FeatureClassifier.fit(x, subset.data.labels(), run.classes(), subset.seed);
      int[] predicted = new int[run.rocketTest.length];
      for (int i = 0; i < predicted.length; i++) {
        predicted[i] = classifier.predict(run.rocketTest[i]);
      }
      runs.add(run.test.accuracy(predicted));
      seconds += (System.nanoTime() - fitStart) / 1e9;
      run.progress.accept("minirocket " + subset);
    }
    return new EvaluationReport.Result(
        "minirocket", null, fraction, null, EvaluationReport.Accuracy.of(runs), fitSeconds,
        seconds / runs.size());
  }

  /** The encoder from random weights, trained on the labelled subset alone. */
  private static EvaluationReport.Result supervised(Run run, double fraction) {
    List<Double> runs = new ArrayList<>();
    double seconds = 0;
    for (Subset subset : run.subsetsAt(fraction)) {
      Engine.getInstance().setRandomSeed((int) subset.seed);
      try (ForesightNet net = ForesightNet.create(run.classifierConfig, run.tokenizer)) {
        Pretrainer.Result r = fitClassifier(net, subset, run, false);
        seconds += r.seconds();
        runs.add(score(net, run.test));
      }
      run.progress.accept("supervised " + subset);
    }
    return new EvaluationReport.Result(
        "supervised", null, fraction, null, EvaluationReport.Accuracy.of(runs), 0,
        seconds / runs.size());
  }

  private static List<EvaluationReport.Result> pretrainAndScore(
      Run run, Objective objective, double pretrainFraction) {
    Options options = run.options;
    EncodedDataset train = run.train;
    EncodedDataset test = run.test;
    Engine.getInstance().setRandomSeed(0);
    Map<String, byte[]> encoder;
    float[][] trainEmbeddings;
    float[][] testEmbeddings;
    double pretrainSeconds;
    try (ForesightNet net = ForesightNet.create(options.model(), run.tokenizer)) {
      EncodedDataset unlabelled =
          train.subset(LabelledSubsets.random(train.size(), pretrainFraction, 0));
      Pretrainer.Result pretrained =
          Pretrainer.pretrain(
              net,
              unlabelled.series(),
              objective,
              options
                  .training()
                  .withBudget(run.budget.take(options.pretrainingUnits()), options.pretrainMaxSteps()),
              Pretrainer.StepListener.NONE);
      pretrainSeconds = pretrained.seconds();
      encoder = Map.of(ForesightNet.ENCODER, net.saveSections().get(ForesightNet.ENCODER));
      trainEmbeddings = Inference.run(net, train.series()).embeddings();
      testEmbeddings = Inference.run(net, test.series()).embeddings();
    }
    // ssl+minirocket reads the embeddings standardised on all of TRAIN, like the MiniRocket block.
    Standardizer embeddingStandardizer = Standardizer.of(trainEmbeddings);
    double[][] trainEmbeddingRows = embeddingStandardizer.apply(trainEmbeddings);
    double[][] testEmbeddingRows = embeddingStandardizer.apply(testEmbeddings);
    run.progress.accept("pretrain " + objective + " on " + pretrainFraction);

    List<EvaluationReport.Result> results = new ArrayList<>();
    for (double fraction : options.labelFractions()) {
      List<Double> probeRuns = new ArrayList<>();
      List<Double> finetuneRuns = new ArrayList<>();
      List<Double> combinedRuns = new ArrayList<>();
      double probeSeconds = 0;
      double finetuneSeconds = 0;
      double combinedSeconds = 0;
      for (Subset subset : run.subsetsAt(fraction)) {
        long probeStart = System.nanoTime();
        float[][] x = new float[subset.members.size()][];
        for (int i = 0; i < x.length; i++) {
          x[i] = trainEmbeddings[subset.members.get(i)];
        }
        SvmProbe probe =
            SvmProbe.fit(x, subset.data.labels(), run.classes(), trainEmbeddings, subset.seed);
        int[] predicted = new int[testEmbeddings.length];
        for (int i = 0; i < predicted.length; i++) {
          predicted[i] = probe.predict(testEmbeddings[i]);
        }
        probeRuns.add(test.accuracy(predicted));
        probeSeconds += (System.nanoTime() - probeStart) / 1e9;

        long combinedStart = System.nanoTime();
        CombinedProbe combined =
            CombinedProbe.fit(
                run.rocketTrain, trainEmbeddingRows, subset.members, subset.data.labels(),
                run.classes(), subset.seed);
        for (int i = 0; i < predicted.length; i++) {
          predicted[i] = combined.predict(run.rocketTest[i], testEmbeddingRows[i]);
        }
        combinedRuns.add(test.accuracy(predicted));
        combinedSeconds += (System.nanoTime() - combinedStart) / 1e9;

        Engine.getInstance().setRandomSeed((int) subset.seed);
        try (ForesightNet net = ForesightNet.create(run.classifierConfig, run.tokenizer)) {
          net.load(encoder);
          Pretrainer.Result r = fitClassifier(net, subset, run, true);
          finetuneSeconds += r.seconds();
          finetuneRuns.add(score(net, test));
        } catch (MalformedModelException e) {
          throw new IllegalStateException("an encoder this run saved must load back", e);
        }
        run.progress.accept("fine-tune " + objective + " " + subset);
      }
      Double pf = pretrainFraction;
      int n = probeRuns.size();
      results.add(
          new EvaluationReport.Result(
              "ssl-probe", objective.cliName(), fraction, pf, EvaluationReport.Accuracy.of(probeRuns),
              pretrainSeconds, probeSeconds / n));
      results.add(
          new EvaluationReport.Result(
              "ssl-finetune", objective.cliName(), fraction, pf,
              EvaluationReport.Accuracy.of(finetuneRuns), pretrainSeconds, finetuneSeconds / n));
      results.add(
          new EvaluationReport.Result(
              "ssl+minirocket", objective.cliName(), fraction, pf,
              EvaluationReport.Accuracy.of(combinedRuns), pretrainSeconds, combinedSeconds / n));
    }
    return results;
  }

  private static Pretrainer.Result fitClassifier(
      ForesightNet net, Subset subset, Run run, boolean pretrained) {
    return ClassifierTrainer.train(
        net,
        subset.data.series(),
        subset.data.labels(),
        run.options
            .training()
            .withBudget(run.budget.take(1), run.options.trainMaxSteps())
            .withSeed(subset.seed),
        false,
        pretrained,
        Pretrainer.StepListener.NONE);
  }

  private static double score(ForesightNet net, EncodedDataset test) {
    Inference.Output out = Inference.run(net, test.series());
    return test.accuracy(Inference.argmax(out.probabilities()));
  }

  /**
   * TEST accuracy of the {@code minirocket} method with every TRAIN label, as {@code evaluate} reports
   * it at label fraction 1 (MiniRocket fitted on all TRAIN inputs, features standardised on them,
   * ridge or logistic regression): the offline answer a live replay of the same data is compared with.
   */
  public static double minirocketAccuracy(Dataset trainSet, Dataset testSet) {
    List<String> classNames = trainSet.classNames();
    List<double[]> trainValues = filled(trainSet);
    MiniRocket rocket = MiniRocket.fit(trainValues, 0);
    float[][] trainFeatures = rocket.transform(trainValues);
    Standardizer standardizer = Standardizer.of(trainFeatures);
    int[] labels = trainSet.series().stream().mapToInt(s -> classNames.indexOf(s.label())).toArray();
    FeatureClassifier.Fitted classifier =
        FeatureClassifier.fit(standardizer.apply(trainFeatures), labels, classNames.size(), 0);
    double[][] test = standardizer.apply(rocket.transform(filled(testSet)));
    int correct = 0;
    for (int i = 0; i < test.length; i++) {
      correct += classNames.get(classifier.predict(test[i])).equals(testSet.series().get(i).label()) ? 1 : 0;
    }
    return correct / (double) test.length;
  }

  /** MiniRocket's input: gaps filled by interpolation (the encoder sees them as its mask id). */
  private static List<double[]> filled(Dataset dataset) {
    return dataset.values().stream().map(Gaps::interpolate).toList();
  }

  /** What every method of one evaluation shares: the data in both forms, the subsets, the budget. */
  private record Run(
      Options options,
      Tokenizer tokenizer,
      ModelConfig classifierConfig,
      EncodedDataset train,
      EncodedDataset test,
      double[][] rocketTrain,
      double[][] rocketTest,
      List<Subset> subsets,
      TimeBudget budget,
      Consumer<String> progress) {

    int classes() {
      return train.classNames().size();
    }

    List<Subset> subsetsAt(double fraction) {
      return subsets.stream().filter(s -> s.fraction == fraction).toList();
    }
  }

  /** One labelled subset of TRAIN. */
  private record Subset(double fraction, long seed, List<Integer> members, EncodedDataset data) {
    @Override
    public String toString() {
      return "labels " + fraction + " seed " + seed;
    }
  }
}
