package io.foresight.learn;

import io.foresight.bench.Medians;
import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.LocalParameterServer;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.foresight.model.ForesightNet;
import io.foresight.model.ModelConfig;
import io.foresight.model.Tokenizer;
import io.foresight.model.Tokenizer.Tokens;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Training throughput of the real pretraining loop ({@link Pretrainer}: bucketing, cropping, batch
 * building, the objective) against a bare DJL loop that runs the same model's forward, next-step loss,
 * backward and Adam update on batches prepared once in memory. Both are timed in alternating rounds in
 * one process, so machine noise hits them alike; the figure is the ratio of their median rates.
 */
public final class ThroughputBench {

  /** Rates in windows per second of each round, and the ratio of medians (real / bare). */
  public record Result(
      int window, int batch, double[] realRates, double[] bareRates, double ratio) {}

  private ThroughputBench() {}

  public static Result run(
      ModelConfig config, int window, int batch, int stepsPerRound, int rounds, long seed) {
    Tokenizer tokenizer = Tokenizer.integer(Tokenizer.DEFAULT_INTEGER_VOCABULARY);
    List<Tokens> windows = counts(tokenizer, batch * 8, window, seed);
    double[] real = new double[rounds];
    double[] bare = new double[rounds];
    Engine.getInstance().setRandomSeed((int) seed);
    try (ForesightNet net = ForesightNet.create(config, tokenizer)) {
      TrainingOptions options =
          TrainingOptions.defaults().withBatch(batch, window).withSeed(seed);
      // Warm-up: the first steps of either loop pay for allocation and kernel selection.
      Pretrainer.pretrain(net, windows, Objective.NEXT_STEP, options.withBudget(1e9, 3), Pretrainer.StepListener.NONE);
      List<PaddedBatch> prepared = new ArrayList<>();
      for (int i = 0; i < windows.size(); i += batch) {
        prepared.add(PaddedBatch.of(windows.subList(i, i + batch), tokenizer.padId()));
      }
      bareLoop(net, prepared, 3);
      for (int r = 0; r < rounds; r++) {
        Pretrainer.Result result =
            Pretrainer.pretrain(
                net, windows, Objective.NEXT_STEP, options.withBudget(1e9, stepsPerRound),
                Pretrainer.StepListener.NONE);
        real[r] = result.windowsPerSecond();
        bare[r] = bareLoop(net, prepared, stepsPerRound);
      }
    }
    return new Result(window, batch, real, bare, Medians.of(real) / Medians.of(bare));
  }

  /** The bare loop: arrays built once, then forward, loss, backward, update. Returns windows/s. */
  private static double bareLoop(ForesightNet net, List<PaddedBatch> prepared, int steps) {
    Optimizer adam =
        Optimizer.adam().optLearningRateTracker(Tracker.fixed(1e-3f)).optClipGrad(1f).build();
    ParameterStore store = new ParameterStore(net.manager(), false);
    store.setParameterServer(
        new LocalParameterServer(adam), new Device[] {net.manager().getDevice()});
    try (NDManager data = net.manager().newSubManager()) {
      List<NDList> batches = new ArrayList<>();
      for (PaddedBatch b : prepared) {
        batches.add(
            new NDList(b.ids(data), b.inputs(data), b.nextTargets(data), b.nextWeights(data)));
      }
      long windows = 0;
      long start = System.nanoTime();
      for (int step = 0; step < steps; step++) {
        NDList b = batches.get(step % batches.size());
        try (NDManager scope = net.manager().newSubManager();
            GradientCollector collector = Engine.getInstance().newGradientCollector()) {
          // Intermediates land in the manager of their inputs: lend the batch to the step's scope so
          // they are freed with it, and the batch returns to `data` afterwards.
          scope.tempAttachAll(b);
          NDArray features = net.features(store, b.get(0), b.get(1), true);
          NDArray loss =
              Losses.weightedMean(
                  Losses.stepNll(net.nextLogits(store, features, true), b.get(2)), b.get(3));
          loss.getFloat();
          collector.backward(loss);
        }
        store.updateAllParameters();
        windows += b.get(0).getShape().get(0);
      }
      return windows / ((System.nanoTime() - start) / 1e9);
    }
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
