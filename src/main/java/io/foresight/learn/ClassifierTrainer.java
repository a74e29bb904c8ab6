package io.foresight.learn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import io.foresight.model.ForesightNet;
import io.foresight.model.Tokenizer.Tokens;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Trains the classifier head on labelled series: with the encoder (fine-tuning, or the supervised
 * baseline when the encoder starts from random weights) or on a frozen encoder (a linear probe inside
 * DJL). Series longer than {@code maxCrop} are cropped at random for each step.
 *
 * <p>Fine-tuning a pretrained encoder first fits the head alone on the frozen embeddings, then trains
 * both ("linear probe, then fine-tune", Kumar et al., ICLR 2022): a random head's large early gradients
 * would otherwise distort the pretrained features before the head is any good, and with a budget of a
 * few seconds the fine-tune never recovers. Fitting the head on fixed embeddings costs one inference pass.
 */
public final class ClassifierTrainer {

  private ClassifierTrainer() {}

  /** Full-batch steps that fit the head on frozen embeddings before fine-tuning. */
  static final int HEAD_WARM_UP_STEPS = 300;

  /**
   * Trains the classifier.
   *
   * @param freezeEncoder train the head only
   * @param warmStartHead fit the head on frozen embeddings first (for a pretrained encoder)
   */
  public static Pretrainer.Result train(
      ForesightNet net,
      List<Tokens> series,
      int[] labels,
      TrainingOptions options,
      boolean freezeEncoder,
      boolean warmStartHead,
      Pretrainer.StepListener listener) {
    if (!net.hasClassifier()) {
      throw new IllegalArgumentException("the model has no classifier head; set the class count");
    }
    if (series.isEmpty()) {
      throw new IllegalArgumentException("nothing to train on: no labelled series");
    }
    if (warmStartHead || freezeEncoder) {
      fitHead(net, series, labels, options);
    }
    net.part(ForesightNet.ENCODER).freezeParameters(freezeEncoder, ClassifierTrainer::trainable);
    try {
      Random random = new Random(options.seed());
      Optimization optimization = new Optimization(net, options.learningRate());
      int[] lengths =
          series.stream().mapToInt(s -> Math.min(s.length(), options.maxCrop())).toArray();
      return Pretrainer.loop(
          lengths,
          options,
          random,
          bucket -> {
            List<Tokens> chosen = new ArrayList<>(bucket.length);
            int[] chosenLabels = new int[bucket.length];
            for (int i = 0; i < bucket.length; i++) {
              chosen.add(Views.crop(series.get(bucket[i]), options.maxCrop(), random));
              chosenLabels[i] = labels[bucket[i]];
            }
            PaddedBatch batch = PaddedBatch.of(chosen, net.tokenizer().padId());
            return optimization.step(
                (scope, store) -> {
                  NDArray features =
                      net.features(store, batch.ids(scope), batch.inputs(scope), !freezeEncoder);
                  NDArray embedding = net.embed(features, batch.mask(scope));
                  NDArray logits = net.classLogits(store, embedding, true);
                  NDArray target =
                      scope
                          .create(chosenLabels, new Shape(chosenLabels.length))
                          .toType(DataType.INT64, false);
                  return Losses.classification(logits, target);
                });
          },
          listener);
    } finally {
      net.part(ForesightNet.ENCODER).freezeParameters(false, ClassifierTrainer::trainable);
    }
  }

  /** Fits the classifier head alone on the embeddings of whole series, all in one batch. */
  private static void fitHead(
      ForesightNet net, List<Tokens> series, int[] labels, TrainingOptions options) {
    float[][] embeddings =
        Inference.run(net, series).embeddings();
    float[] flat = new float[embeddings.length * embeddings[0].length];
    for (int i = 0; i < embeddings.length; i++) {
      System.arraycopy(embeddings[i], 0, flat, i * embeddings[i].length, embeddings[i].length);
    }
    Optimization head = new Optimization(net, options.learningRate() * 10);
    for (int step = 0; step < HEAD_WARM_UP_STEPS; step++) {
      head.step(
          (scope, store) -> {
            NDArray x = scope.create(flat, new Shape(embeddings.length, embeddings[0].length));
            NDArray target =
                scope.create(labels, new Shape(labels.length)).toType(DataType.INT64, false);
            return Losses.classification(net.classLogits(store, x, true), target);
          });
    }
  }

  /** Batch norm's running statistics are updated by the forward pass, never by gradients. */
  static boolean trainable(Parameter parameter) {
    return parameter.getType() != Parameter.Type.RUNNING_MEAN
        && parameter.getType() != Parameter.Type.RUNNING_VAR;
  }
}
