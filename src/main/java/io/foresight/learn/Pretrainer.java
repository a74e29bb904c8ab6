package io.foresight.learn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import io.foresight.model.ForesightNet;
import io.foresight.model.ModelConfig;
import io.foresight.model.Tokenizer.Tokens;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Self-supervised pretraining: draws length-bucketed batches of the (unlabelled) series, builds the
 * objective's views, and takes Adam steps until the step or time budget runs out.
 */
public final class Pretrainer {

  /** Called after every step; for progress bars and metrics. */
  @FunctionalInterface
  public interface StepListener {
    void onStep(int step, float loss, double elapsedSeconds);

    StepListener NONE = (step, loss, elapsed) -> {};
  }

  /**
   * What a run did.
   *
   * @param losses the loss of every step, in order
   * @param windows series (crops) seen
   */
  public record Result(int steps, double seconds, long windows, List<Float> losses) {

    /** Mean loss of the first {@code k} steps (or fewer). */
    public double firstLoss(int k) {
      return losses.subList(0, Math.min(k, losses.size())).stream()
          .mapToDouble(Float::doubleValue)
          .average()
          .orElse(Double.NaN);
    }

    /** Mean loss of the last {@code k} steps (or fewer). */
    public double lastLoss(int k) {
      return losses.subList(Math.max(0, losses.size() - k), losses.size()).stream()
          .mapToDouble(Float::doubleValue)
          .average()
          .orElse(Double.NaN);
    }

    public double windowsPerSecond() {
      return seconds > 0 ? windows / seconds : 0;
    }
  }

  private Pretrainer() {}

  public static Result pretrain(
      ForesightNet net,
      List<Tokens> series,
      Objective objective,
      TrainingOptions options,
      StepListener listener) {
    if (series.isEmpty()) {
      throw new IllegalArgumentException("nothing to pretrain on: no series");
    }
    requireSupported(net.config(), objective);
    Random random = new Random(options.seed());
    Optimization optimization = new Optimization(net, options.learningRate());
    int[] lengths = series.stream().mapToInt(s -> Math.min(s.length(), options.maxCrop())).toArray();
    return loop(
        lengths,
        options,
        random,
        bucket -> {
          List<Tokens> chosen = new ArrayList<>(bucket.length);
          for (int index : bucket) {
            chosen.add(series.get(index));
          }
          PretextBatch batch =
              PretextBatch.build(chosen, objective, options, net.tokenizer(), random);
          return optimization.step(
              (scope, store) -> loss(net, batch, objective, options, scope, store));
        },
        listener);
  }

  /** One optimiser step on the series of a bucket; returns its loss. */
  @FunctionalInterface
  interface BucketStep {
    float run(int[] bucket);
  }

  /**
   * The loop every training run shares: epochs of length buckets, one step per bucket, until the step
   * or time budget runs out.
   *
   * @param lengths length of each series as training sees it (after cropping)
   */
  static Result loop(
      int[] lengths,
      TrainingOptions options,
      Random random,
      BucketStep step,
      StepListener listener) {
    List<Float> losses = new ArrayList<>();
    long windows = 0;
    long start = System.nanoTime();
    while (true) {
      for (int[] bucket : Views.buckets(lengths, options.batchSize(), options.maxBatchSteps(), random)) {
        double elapsed = (System.nanoTime() - start) / 1e9;
        if (losses.size() >= options.maxSteps() || elapsed >= options.budgetSeconds()) {
          return new Result(losses.size(), elapsed, windows, losses);
        }
        float loss = step.run(bucket);
        losses.add(loss);
        windows += bucket.length;
        listener.onStep(losses.size(), loss, (System.nanoTime() - start) / 1e9);
      }
    }
  }

  /**
   * Refuses objectives an encoder cannot learn honestly: a non-causal encoder's features at step t have
   * seen step t + 1, so predicting it teaches nothing.
   */
  public static void requireSupported(ModelConfig config, Objective objective) {
    if (objective.nextStepWeight() > 0 && !config.isCausal()) {
      throw new IllegalArgumentException(
          "the "
              + config.encoder()
              + " encoder is not causal: every position sees the step it would predict, so it cannot"
              + " learn next-step prediction (objective '"
              + objective.cliName()
              + "'); use --objective masked or contrastive");
    }
  }

  /** The weighted sum of the objective's losses on one batch. */
  static NDArray loss(
      ForesightNet net,
      PretextBatch batch,
      Objective objective,
      TrainingOptions options,
      NDManager scope,
      ParameterStore store) {
    NDArray total = scope.zeros(new ai.djl.ndarray.types.Shape());
    NDArray plainFeatures = null;
    NDArray maskedFeatures = null;
    PaddedBatch plain = batch.plain();
    PaddedBatch masked = batch.masked();
    if (plain != null) {
      plainFeatures = net.features(store, plain.ids(scope), plain.inputs(scope), true);
    }
    if (masked != null) {
      maskedFeatures = net.features(store, masked.ids(scope), masked.inputs(scope), true);
    }
    if (objective.nextStepWeight() > 0) {
      NDArray nll = Losses.stepNll(net.nextLogits(store, plainFeatures, true), plain.nextTargets(scope));
      total = total.add(Losses.weightedMean(nll, plain.nextWeights(scope)).mul(objective.nextStepWeight()));
    }
    if (objective.maskedWeight() > 0) {
      NDArray nll =
          Losses.stepNll(net.maskedLogits(store, maskedFeatures, true), batch.maskedTargets(scope));
      total = total.add(Losses.weightedMean(nll, batch.maskedWeights(scope)).mul(objective.maskedWeight()));
    }
    // A batch of one series has no negatives to contrast with.
    if (objective.contrastiveWeight() > 0 && batch.size() > 1) {
      NDArray a = net.projection(store, net.embed(plainFeatures, plain.mask(scope)), true);
      NDArray b = net.projection(store, net.embed(maskedFeatures, masked.mask(scope)), true);
      total = total.add(Losses.infoNce(a, b, options.temperature()).mul(objective.contrastiveWeight()));
    }
    if (objective.hierarchicalWeight() > 0) {
      CropPair pair = batch.pair();
      NDArray first =
          net.features(store, pair.first().ids(scope), pair.first().inputs(scope), true);
      NDArray second =
          net.features(store, pair.second().ids(scope), pair.second().inputs(scope), true);
      // Features are (N, C, L); the loss wants the overlap's steps as (N, T, C).
      int from = pair.firstOffset();
      NDArray a = first.get(":, :, " + from + ":" + (from + pair.overlap())).transpose(0, 2, 1);
      NDArray b = second.get(":, :, 0:" + pair.overlap()).transpose(0, 2, 1);
      total = total.add(Losses.hierarchicalContrast(a, b).mul(objective.hierarchicalWeight()));
    }
    return total;
  }
}
