package io.foresight.learn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import io.foresight.model.Devices;
import io.foresight.model.ForesightNet;
import io.foresight.model.Tokenizer.Tokens;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Whole-series inference: for each series its embedding, its surprise (mean negative log-likelihood of
 * every actual next step under the next-step head, in nats; NaN for a non-causal encoder, which has no
 * honest next-step prediction) and, when the net has a classifier, its class probabilities. Series are
 * batched by length; nothing is cropped.
 */
public final class Inference {

  /** Results in the order of the input series; {@code probabilities} is null without a classifier. */
  public record Output(float[][] embeddings, double[] surprise, float[][] probabilities) {}

  /** Series per inference batch, and padded steps per batch (which bounds activation memory). */
  public static final int BATCH_SIZE = 64;

  public static final int MAX_BATCH_STEPS = 64 * 1024;

  private Inference() {}

  /** {@link #run(ForesightNet, List, int, int)} with the default batch limits. */
  public static Output run(ForesightNet net, List<Tokens> series) {
    return run(net, series, BATCH_SIZE, MAX_BATCH_STEPS);
  }

  public static Output run(ForesightNet net, List<Tokens> series, int batchSize, int maxBatchSteps) {
    Devices.withoutGradients();
    int n = series.size();
    float[][] embeddings = new float[n][];
    double[] surprise = new double[n];
    float[][] probabilities = net.hasClassifier() ? new float[n][] : null;
    ParameterStore store = new ParameterStore(net.manager(), false);
    int[] lengths = series.stream().mapToInt(Tokens::length).toArray();
    for (int[] bucket : Views.buckets(lengths, batchSize, maxBatchSteps, new Random(0))) {
      List<Tokens> chosen = new ArrayList<>(bucket.length);
      for (int index : bucket) {
        chosen.add(series.get(index));
      }
      PaddedBatch batch = PaddedBatch.of(chosen, net.tokenizer().padId());
      try (NDManager scope = net.manager().newSubManager()) {
        NDArray features = net.features(store, batch.ids(scope), batch.inputs(scope), false);
        NDArray embedding = net.embed(features, batch.mask(scope));
        float[] rowSurprise = new float[bucket.length];
        if (net.config().isCausal()) {
          NDArray nll =
              Losses.stepNll(net.nextLogits(store, features, false), batch.nextTargets(scope));
          rowSurprise = Losses.rowMean(nll, batch.nextWeights(scope)).toFloatArray();
        } else {
          java.util.Arrays.fill(rowSurprise, Float.NaN);
        }
        float[] flatEmbedding = embedding.toFloatArray();
        int dim = (int) embedding.getShape().get(1);
        float[] flatProbabilities = null;
        int classes = 0;
        if (probabilities != null) {
          NDArray p = net.classLogits(store, embedding, false).softmax(1);
          flatProbabilities = p.toFloatArray();
          classes = (int) p.getShape().get(1);
        }
        for (int row = 0; row < bucket.length; row++) {
          int index = bucket[row];
          embeddings[index] = java.util.Arrays.copyOfRange(flatEmbedding, row * dim, (row + 1) * dim);
          surprise[index] = rowSurprise[row];
          if (probabilities != null) {
            probabilities[index] =
                java.util.Arrays.copyOfRange(flatProbabilities, row * classes, (row + 1) * classes);
          }
        }
      }
    }
    return new Output(embeddings, surprise, probabilities);
  }

  /** Index of the largest probability in each row. */
  public static int[] argmax(float[][] probabilities) {
    int[] best = new int[probabilities.length];
    for (int i = 0; i < probabilities.length; i++) {
      for (int k = 1; k < probabilities[i].length; k++) {
        if (probabilities[i][k] > probabilities[i][best[i]]) {
          best[i] = k;
        }
      }
    }
    return best;
  }
}
