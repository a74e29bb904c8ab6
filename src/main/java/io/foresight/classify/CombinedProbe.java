package io.foresight.classify;

import io.foresight.minirocket.FeatureClassifier;
import io.foresight.minirocket.LinearModel;
import io.foresight.minirocket.RidgeClassifier;
import java.util.Arrays;
import java.util.List;
import org.ejml.data.DMatrixRMaj;

/**
 * {@code ssl+minirocket}: a classifier on the frozen encoder's embedding beside the MiniRocket features,
 * the classifier {@code evaluate} measures and the live trainer fits.
 *
 * <p>Both blocks come standardised; the embedding block is then scaled so its total variance is a
 * share {@code w} of the MiniRocket block's (about 10,000 features would otherwise drown 128). The
 * share is chosen from {@link #SHARES}, where 0 is MiniRocket alone and infinity the embedding alone,
 * by the cross-validated accuracy of the ridge classifier on the labelled rows (ties: the lower
 * cross-validated squared error), so the labels decide how much the pretrained features count. When
 * a class has a single labelled row, leaving it out leaves its class unseen and every share scores
 * the same, so the share is the prior {@link #PRIOR_SHARE} instead: MiniRocket leads, the embedding
 * adds to it.
 *
 * <p>Cross-validation leaves out one row at a time, or one group at a time when groups are given (the
 * live trainer groups windows by entity: windows of one device overlap and look alike). Ridge shares
 * the two blocks' Gram matrices between shares ({@code K = a^2 K_rocket + b^2 K_embedding}), so trying
 * five shares costs one Gram matrix and five n x n decompositions.
 */
public final class CombinedProbe {

  /** Shares of the embedding block's variance against the MiniRocket block's. */
  static final double[] SHARES = {0, 0.25, 1, 4, Double.POSITIVE_INFINITY};

  /** The share used when cross-validation cannot tell shares apart (a class with one labelled row). */
  static final double PRIOR_SHARE = 0.25;

  private final double share;
  private final LinearModel model; // over [rocket | embedding], both standardised
  private final int rocketWidth;
  private final double accuracy;
  private final double[][] heldOutDecisions;

  private CombinedProbe(
      double share, LinearModel model, int rocketWidth, double accuracy, double[][] heldOutDecisions) {
    this.share = share;
    this.model = model;
    this.rocketWidth = rocketWidth;
    this.accuracy = accuracy;
    this.heldOutDecisions = heldOutDecisions;
  }

  /** {@link #fit(double[][], double[][], List, int[], int[], int, long)} leaving out one row at a time. */
  public static CombinedProbe fit(
      double[][] rocketFeatures, double[][] embeddings, List<Integer> members, int[] labels,
      int classes, long seed) {
    return fit(rocketFeatures, embeddings, members, labels, null, classes, seed);
  }

  /**
   * Fits on the labelled rows.
   *
   * @param rocketFeatures standardised MiniRocket features of every row
   * @param embeddings the frozen encoder's standardised embedding of every row
   * @param members indices of the labelled rows
   * @param labels their class indices, in the order of {@code members}
   * @param groups their groups for cross-validation, in the same order; null for leave-one-out
   */
  public static CombinedProbe fit(
      double[][] rocketFeatures, double[][] embeddings, List<Integer> members, int[] labels,
      int[] groups, int classes, long seed) {
    int[] perClass = new int[classes];
    for (int label : labels) {
      perClass[label]++;
    }
    boolean informative = Arrays.stream(perClass).allMatch(c -> c != 1);
    double[] shares = informative ? SHARES : new double[] {PRIOR_SHARE};
    double[][] r = select(rocketFeatures, members);
    double[][] e = select(embeddings, members);
    double balance = Math.sqrt(r[0].length / (double) e[0].length);
    return members.size() <= FeatureClassifier.RIDGE_MAX_ROWS
        ? fitRidge(r, e, labels, groups, classes, shares, balance)
        : fitLogistic(r, e, labels, classes, seed, shares, balance);
  }

  private static CombinedProbe fitRidge(
      double[][] r, double[][] e, int[] labels, int[] groups, int classes, double[] shares,
      double balance) {
    double[] rocketMean = RidgeClassifier.columnMeans(r);
    double[] embeddingMean = RidgeClassifier.columnMeans(e);
    DMatrixRMaj rocketCentred = RidgeClassifier.centred(r, rocketMean);
    DMatrixRMaj embeddingCentred = RidgeClassifier.centred(e, embeddingMean);
    DMatrixRMaj rocketGram = RidgeClassifier.gram(rocketCentred);
    DMatrixRMaj embeddingGram = RidgeClassifier.gram(embeddingCentred);
    RidgeClassifier.Dual best = null;
    double bestShare = 0;
    for (double share : shares) {
      double[] w = weights(share, balance);
      DMatrixRMaj gram = new DMatrixRMaj(rocketGram.numRows, rocketGram.numCols);
      for (int i = 0; i < gram.data.length; i++) {
        gram.data[i] = w[0] * w[0] * rocketGram.data[i] + w[1] * w[1] * embeddingGram.data[i];
      }
      RidgeClassifier.Dual dual = RidgeClassifier.Dual.solve(gram, labels, classes, groups);
      if (best == null
          || dual.accuracy() > best.accuracy()
          || (dual.accuracy() == best.accuracy() && dual.error() < best.error())) {
        best = dual;
        bestShare = share;
      }
    }
    // Scores are b + a^2 (r - mean_r) Rc^T c + b^2 (e - mean_e) Ec^T c in the standardised blocks.
    double[] w = weights(bestShare, balance);
    double[][] rocketWeights = best.primal(rocketCentred, w[0] * w[0]);
    double[][] embeddingWeights = best.primal(embeddingCentred, w[1] * w[1]);
    double[] intercept = best.intercept();
    double[][] weights = new double[classes][];
    for (int c = 0; c < classes; c++) {
      weights[c] = concat(rocketWeights[c], embeddingWeights[c]);
      for (int j = 0; j < rocketMean.length; j++) {
        intercept[c] -= rocketWeights[c][j] * rocketMean[j];
      }
      for (int j = 0; j < embeddingMean.length; j++) {
        intercept[c] -= embeddingWeights[c][j] * embeddingMean[j];
      }
    }
    return new CombinedProbe(
        bestShare, new LinearModel(weights, intercept), r[0].length, best.accuracy(),
        best.heldOutDecisions());
  }

  /** Beyond ridge's size: logistic regression on the weighted rows, one fit per share. */
  private static CombinedProbe fitLogistic(
      double[][] r, double[][] e, int[] labels, int classes, long seed, double[] shares,
      double balance) {
    CombinedProbe best = null;
    for (double share : shares) {
      double[] w = weights(share, balance);
      double[][] x = new double[r.length][];
      for (int i = 0; i < x.length; i++) {
        x[i] = concat(scaled(r[i], w[0]), scaled(e[i], w[1]));
      }
      FeatureClassifier.Fitted fitted = FeatureClassifier.fit(x, labels, classes, seed);
      if (best == null || fitted.crossValidatedAccuracy() > best.accuracy) {
        // Fold the block weights into the model, so it reads the unweighted standardised blocks.
        LinearModel linear = fitted.linear();
        double[][] weights = new double[classes][];
        for (int c = 0; c < classes; c++) {
          weights[c] = linear.weights()[c].clone();
          for (int j = 0; j < weights[c].length; j++) {
            weights[c][j] *= j < r[0].length ? w[0] : w[1];
          }
        }
        best =
            new CombinedProbe(
                share, new LinearModel(weights, linear.intercept()), r[0].length,
                fitted.crossValidatedAccuracy(), null);
      }
    }
    return best;
  }

  /** The weights of the MiniRocket block and of the embedding block for a share. */
  private static double[] weights(double share, double balance) {
    return Double.isInfinite(share)
        ? new double[] {0, 1}
        : new double[] {1, Math.sqrt(share) * balance};
  }

  /** The class of one row from its standardised MiniRocket features and embedding. */
  public int predict(double[] rocketFeatures, double[] embeddingRow) {
    return LinearModel.argmax(model.decision(concat(rocketFeatures, embeddingRow)));
  }

  /** The embedding's chosen share of the variance: 0 MiniRocket alone, infinity the embedding alone. */
  public double share() {
    return share;
  }

  /**
   * The decision function over {@code [rocket | embedding]} standardised rows; a block the share
   * leaves out has zero weights.
   */
  public LinearModel linear() {
    return model;
  }

  /** Width of the MiniRocket block in {@link #linear()}'s rows. */
  public int rocketWidth() {
    return rocketWidth;
  }

  /** Cross-validated accuracy on the labelled rows at the chosen share. */
  public double crossValidatedAccuracy() {
    return accuracy;
  }

  /**
   * Each labelled row's decision scores from the fit that left it out (ridge; null for logistic
   * regression, whose scores are already log-probabilities).
   */
  public double[][] heldOutDecisions() {
    return heldOutDecisions;
  }

  private static double[][] select(double[][] rows, List<Integer> members) {
    double[][] out = new double[members.size()][];
    for (int i = 0; i < out.length; i++) {
      out[i] = rows[members.get(i)];
    }
    return out;
  }

  private static double[] scaled(double[] v, double weight) {
    double[] out = new double[v.length];
    for (int j = 0; j < v.length; j++) {
      out[j] = v[j] * weight;
    }
    return out;
  }

  private static double[] concat(double[] a, double[] b) {
    double[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
