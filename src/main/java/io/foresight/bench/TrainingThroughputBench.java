package io.foresight.bench;

import ai.djl.engine.Engine;
import io.foresight.learn.BareTrainingLoop;
import io.foresight.learn.Objective;
import io.foresight.learn.Pretrainer;
import io.foresight.learn.TrainingOptions;
import io.foresight.model.ForesightNet;
import io.foresight.model.ModelConfig;
import io.foresight.model.Tokenizer;
import io.foresight.model.Tokenizer.Tokens;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Training throughput of the real pretraining loop ({@link Pretrainer}: bucketing, cropping, batch
 * building, the objective) against a {@link BareTrainingLoop} that runs the same model's forward,
 * next-step loss, backward and Adam update on batches prepared once in memory. Both are timed in
 * alternating rounds in one process after one short warm-up round ({@link Rounds}), so machine noise
 * hits them alike; the figure is the ratio of their median rates.
 */
public final class TrainingThroughputBench {

  /** Steps of the warm-up round: the first steps of either loop pay for allocation and kernel selection. */
  private static final int WARM_UP_STEPS = 3;

  /**
   * Rates in windows per second of each timed round, and the ratio of medians (real / bare).
   *
   * @param window steps per window
   * @param batch windows per batch
   */
  public record Result(int window, int batch, double[] realRates, double[] bareRates, double ratio) {}

  private TrainingThroughputBench() {}

  /**
   * @param stepsPerRound training steps of each loop in each timed round
   * @param seed of the data, the model's initialisation and the real loop's sampling
   */
  public static Result run(ModelConfig config, int window, int batch, int stepsPerRound, int rounds, long seed)
      throws Exception {
    Tokenizer tokenizer = Tokenizer.integer(Tokenizer.DEFAULT_INTEGER_VOCABULARY);
    List<Tokens> windows = counts(tokenizer, batch * 8, window, seed);
    Engine.getInstance().setRandomSeed((int) seed);
    try (ForesightNet net = ForesightNet.create(config, tokenizer)) {
      TrainingOptions options = TrainingOptions.defaults().withBatch(batch, window).withSeed(seed);
      BareTrainingLoop bareLoop = new BareTrainingLoop(net, windows, batch);
      Rounds timed = new Rounds(1, rounds);
      Rounds.Case real = timed.add(round -> Pretrainer.pretrain(
              net, windows, Objective.NEXT_STEP, options.withBudget(1e9, steps(round, stepsPerRound)),
              Pretrainer.StepListener.NONE)
          .windowsPerSecond());
      Rounds.Case bare = timed.add(round -> bareLoop.windowsPerSecond(steps(round, stepsPerRound)));
      timed.run();
      return new Result(window, batch, real.rounds(), bare.rounds(), real.median() / bare.median());
    }
  }

  private static int steps(Rounds.Round round, int stepsPerRound) {
    return round.warmUp() ? WARM_UP_STEPS : stepsPerRound;
  }

  /** Count-like integer windows in 0..40: a slowly drifting Poisson-ish rate per window. */
  static List<Tokens> counts(Tokenizer tokenizer, int n, int length, long seed) {
    Random random = new Random(seed);
    List<Tokens> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      double[] values = new double[length];
      double rate = 5 + random.nextDouble() * 20;
      for (int t = 0; t < length; t++) {
        rate = Math.max(1, Math.min(35, rate + random.nextGaussian() * 0.5));
        values[t] = Math.max(0, Math.min(40, Math.round(rate + random.nextGaussian() * Math.sqrt(rate))));
      }
      out.add(tokenizer.encode(values, Tokenizer.OutOfRange.CLAMP));
    }
    return out;
  }
}
