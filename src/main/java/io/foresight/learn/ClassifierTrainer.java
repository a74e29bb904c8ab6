package io.foresight.learn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.foresight.model.ForesightNet;
import io.foresight.model.Tokenizer.Tokens;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Trains the classifier head on labelled series: with the encoder (fine-tuning, or the supervised
 * baseline when the encoder starts from random weights) or on a frozen encoder (a linear probe inside
 * DJL). Series longer than {@code maxCrop} are cropped at random for each step.
 */
public final class ClassifierTrainer {

  private ClassifierTrainer() {}

  public static Pretrainer.Result train(
      ForesightNet net,
      List<Tokens> series,
      int[] labels,
      TrainingOptions options,
      boolean freezeEncoder,
      Pretrainer.StepListener listener) {
    if (!net.hasClassifier()) {
      throw new IllegalArgumentException("the model has no classifier head; set the class count");
    }
    if (series.isEmpty()) {
      throw new IllegalArgumentException("nothing to train on: no labelled series");
    }
    net.part(ForesightNet.ENCODER).freezeParameters(freezeEncoder);
    try {
      Random random = new Random(options.seed());
      Optimization optimization = new Optimization(net, options.learningRate());
      int[] lengths =
          series.stream().mapToInt(s -> Math.min(s.length(), options.maxCrop())).toArray();
      List<Float> losses = new ArrayList<>();
      long windows = 0;
      long start = System.nanoTime();
      int step = 0;
      while (true) {
        for (int[] bucket :
            Views.buckets(lengths, options.batchSize(), options.maxBatchSteps(), random)) {
          double elapsed = (System.nanoTime() - start) / 1e9;
          if (step >= options.maxSteps() || elapsed >= options.budgetSeconds()) {
            return new Pretrainer.Result(step, elapsed, windows, losses);
          }
          List<Tokens> chosen = new ArrayList<>(bucket.length);
          int[] chosenLabels = new int[bucket.length];
          for (int i = 0; i < bucket.length; i++) {
            chosen.add(Views.crop(series.get(bucket[i]), options.maxCrop(), random));
            chosenLabels[i] = labels[bucket[i]];
          }
          PaddedBatch batch = PaddedBatch.of(chosen, net.tokenizer().padId());
          float loss =
              optimization.step(
                  (scope, store) -> {
                    NDArray features =
                        net.features(store, batch.ids(scope), batch.inputs(scope), !freezeEncoder);
                    NDArray embedding = ForesightNet.pool(features, batch.mask(scope));
                    if (freezeEncoder) {
                      embedding = embedding.stopGradient();
                    }
                    NDArray logits = net.classLogits(store, embedding, true);
                    NDArray target =
                        scope
                            .create(chosenLabels, new Shape(chosenLabels.length))
                            .toType(DataType.INT64, false);
                    return Losses.classification(logits, target);
                  });
          losses.add(loss);
          windows += bucket.length;
          step++;
          listener.onStep(step, loss, (System.nanoTime() - start) / 1e9);
        }
      }
    } finally {
      net.part(ForesightNet.ENCODER).freezeParameters(false);
    }
  }
}
