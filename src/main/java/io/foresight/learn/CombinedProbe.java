package io.foresight.learn;

import io.foresight.minirocket.FeatureClassifier;
import io.foresight.minirocket.RidgeClassifier;
import java.util.Arrays;
import java.util.List;

/**
 * {@code ssl+minirocket}: a classifier on the frozen encoder's embedding beside the MiniRocket features.
 *
 * <p>Both blocks come standardised with the statistics of all TRAIN series (labelled or not); the
 * embedding block is then scaled so its total variance is a share {@code w} of the MiniRocket block's
 * (about 10,000 features would otherwise drown 128). The share is chosen from {@link #SHARES}, where 0
 * is MiniRocket alone and infinity the embedding alone, by the leave-one-out accuracy of the ridge
 * classifier on the labelled series (ties: the lower leave-one-out squared error), so the labels decide
 * how much the pretrained features count. When a class has a single labelled series, leaving it out
 * leaves its class unseen and every share scores the same, so the share is the prior
 * {@link #PRIOR_SHARE} instead: MiniRocket leads, the embedding adds to it.
 */
public final class CombinedProbe {

  /** Shares of the embedding block's variance against the MiniRocket block's. */
  static final double[] SHARES = {0, 0.25, 1, 4, Double.POSITIVE_INFINITY};

  /** The share used when leave-one-out cannot tell shares apart (a class with one labelled series). */
  static final double PRIOR_SHARE = 0.25;

  private final double rocketWeight;
  private final double embeddingWeight;
  private final double share;
  private final FeatureClassifier.Fitted classifier;

  private CombinedProbe(
      double rocketWeight, double embeddingWeight, double share, FeatureClassifier.Fitted classifier) {
    this.rocketWeight = rocketWeight;
    this.embeddingWeight = embeddingWeight;
    this.share = share;
    this.classifier = classifier;
  }

  /**
   * Fits on the labelled members of TRAIN.
   *
   * @param rocketFeatures standardised MiniRocket features of every TRAIN series
   * @param embeddings the frozen encoder's standardised embedding of every TRAIN series
   * @param members indices of the labelled series
   * @param labels their class indices, in the order of {@code members}
   */
  public static CombinedProbe fit(
      double[][] rocketFeatures, double[][] embeddings, List<Integer> members, int[] labels,
      int classes, long seed) {
    double balance = Math.sqrt(rocketFeatures[0].length / (double) embeddings[0].length);
    int[] perClass = new int[classes];
    for (int label : labels) {
      perClass[label]++;
    }
    boolean looInformative = Arrays.stream(perClass).allMatch(c -> c != 1);
    CombinedProbe best = null;
    double bestAccuracy = -1;
    double bestError = Double.POSITIVE_INFINITY;
    for (double share : looInformative ? SHARES : new double[] {PRIOR_SHARE}) {
      double rocketWeight = Double.isInfinite(share) ? 0 : 1;
      double embeddingWeight = Double.isInfinite(share) ? 1 : Math.sqrt(share) * balance;
      double[][] x = new double[members.size()][];
      for (int i = 0; i < x.length; i++) {
        int m = members.get(i);
        x[i] = row(rocketFeatures[m], embeddings[m], rocketWeight, embeddingWeight);
      }
      FeatureClassifier.Fitted fitted = FeatureClassifier.fit(x, labels, classes, seed);
      double accuracy = fitted.crossValidatedAccuracy();
      double error = fitted instanceof RidgeClassifier ridge ? ridge.looError() : 0;
      if (accuracy > bestAccuracy || (accuracy == bestAccuracy && error < bestError)) {
        best = new CombinedProbe(rocketWeight, embeddingWeight, share, fitted);
        bestAccuracy = accuracy;
        bestError = error;
      }
    }
    return best;
  }

  /** The class of one series from its standardised MiniRocket features and embedding. */
  public int predict(double[] rocketFeatures, double[] embeddingRow) {
    return classifier.predict(row(rocketFeatures, embeddingRow, rocketWeight, embeddingWeight));
  }

  /** The embedding's chosen share of the variance: 0 MiniRocket alone, infinity the embedding alone. */
  public double share() {
    return share;
  }

  /** One row of the classifier's input: the weighted blocks side by side, a block of weight 0 left out. */
  private static double[] row(double[] r, double[] e, double rocketWeight, double embeddingWeight) {
    int rocketWidth = rocketWeight == 0 ? 0 : r.length;
    int embeddingWidth = embeddingWeight == 0 ? 0 : e.length;
    double[] out = new double[rocketWidth + embeddingWidth];
    for (int j = 0; j < rocketWidth; j++) {
      out[j] = r[j] * rocketWeight;
    }
    for (int j = 0; j < embeddingWidth; j++) {
      out[rocketWidth + j] = e[j] * embeddingWeight;
    }
    return out;
  }
}
