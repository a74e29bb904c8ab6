package io.foresight.bench;

import io.foresight.data.Dataset;
import io.foresight.data.Gaps;
import io.foresight.learn.EncodedDataset;
import io.foresight.learn.Inference;
import io.foresight.minirocket.MiniRocket;
import io.foresight.model.ForesightNet;
import io.foresight.model.ModelConfig;
import io.foresight.model.Tokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;

/**
 * How fast MiniRocket turns series into features, against the encoder's embedding of the same series
 * (the other feature source of {@code evaluate}), both measured in one run: MiniRocket's fit (biases
 * on TRAIN) and transform of TRAIN and TEST on all cores and on one, and the causal CNN's forward pass
 * (default size, untrained: the cost does not depend on the weights) over the same series. Each figure
 * is the median of {@code rounds} alternating rounds after one untimed warm-up round ({@link Rounds}).
 */
public final class MiniRocketBench {

  /**
   * One dataset's figures.
   *
   * @param steps series steps of TRAIN and TEST together
   * @param rocketSeconds median seconds of MiniRocket fit and transform on all cores
   * @param rocketOneCoreSeconds the same on one core
   * @param encoderSeconds median seconds of the encoder's embedding forward over the same series
   */
  public record Result(
      String dataset, long steps, double rocketSeconds, double rocketOneCoreSeconds,
      double encoderSeconds) {

    public double rocketStepsPerSecond() {
      return steps / rocketSeconds;
    }

    /** How many times faster MiniRocket's features are than the encoder's embedding. */
    public double speedupOverEncoder() {
      return encoderSeconds / rocketSeconds;
    }

    /** Parallel speed-up of the transform on all cores over one. */
    public double coreScaling() {
      return rocketOneCoreSeconds / rocketSeconds;
    }
  }

  private MiniRocketBench() {}

  public static Result run(Dataset train, Dataset test, int rounds) throws Exception {
    List<double[]> trainValues = values(train);
    List<double[]> testValues = values(test);
    long steps = 0;
    for (double[] v : trainValues) {
      steps += v.length;
    }
    for (double[] v : testValues) {
      steps += v.length;
    }
    Tokenizer tokenizer = Tokenizer.detect(trainValues);
    List<String> classes = train.classNames();
    List<Tokenizer.Tokens> tokens = new ArrayList<>();
    tokens.addAll(EncodedDataset.of(train, tokenizer, classes, Tokenizer.OutOfRange.CLAMP).series());
    tokens.addAll(EncodedDataset.of(test, tokenizer, classes, Tokenizer.OutOfRange.CLAMP).series());
    ForkJoinPool oneCore = new ForkJoinPool(1);
    try (ForesightNet net = ForesightNet.create(ModelConfig.defaults(), tokenizer)) {
      Rounds timed = new Rounds(1, rounds);
      Rounds.Case all = timed.add(round -> time(() -> rocket(trainValues, testValues)));
      Rounds.Case one =
          timed.add(round -> time(() -> oneCore.submit(() -> rocket(trainValues, testValues)).get()));
      Rounds.Case encoder = timed.add(round -> time(() -> Inference.run(net, tokens)));
      timed.run();
      return new Result(train.name(), steps, all.median(), one.median(), encoder.median());
    } finally {
      oneCore.shutdown();
    }
  }

  private static float[][] rocket(List<double[]> train, List<double[]> test) {
    MiniRocket rocket = MiniRocket.fit(train, 0);
    rocket.transform(train);
    return rocket.transform(test);
  }

  private static List<double[]> values(Dataset dataset) {
    return dataset.values().stream().map(Gaps::interpolate).toList();
  }

  @FunctionalInterface
  private interface Task {
    Object run() throws Exception;
  }

  private static double time(Task task) throws Exception {
    long start = System.nanoTime();
    task.run();
    return (System.nanoTime() - start) / 1e9;
  }
}
