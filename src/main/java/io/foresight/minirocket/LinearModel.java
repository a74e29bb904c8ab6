package io.foresight.minirocket;

/**
 * A linear decision function, {@code scores = W x + b}: what ridge and logistic regression both
 * leave, and what a checkpoint carries.
 *
 * @param weights {@code [class][feature]}
 * @param intercept one per class
 */
public record LinearModel(double[][] weights, double[] intercept) {

  public LinearModel {
    if (weights.length != intercept.length) {
      throw new IllegalArgumentException(weights.length + " weight rows for " + intercept.length + " classes");
    }
  }

  /** {@code W (x - centre) + b} written as {@code W x + b'}. */
  static LinearModel centredAt(double[][] weights, double[] intercept, double[] centre) {
    double[] b = intercept.clone();
    for (int c = 0; c < weights.length; c++) {
      for (int j = 0; j < centre.length; j++) {
        b[c] -= weights[c][j] * centre[j];
      }
    }
    return new LinearModel(weights, b);
  }

  public int classes() {
    return intercept.length;
  }

  public int features() {
    return weights.length == 0 ? 0 : weights[0].length;
  }

  /** The class of the largest score (the first on ties). */
  public static int argmax(double[] scores) {
    int best = 0;
    for (int c = 1; c < scores.length; c++) {
      if (scores[c] > scores[best]) {
        best = c;
      }
    }
    return best;
  }

  /** One score per class; the largest wins. */
  public double[] decision(double[] x) {
    if (x.length != features()) {
      throw new IllegalArgumentException("expected " + features() + " features, got " + x.length);
    }
    double[] out = intercept.clone();
    for (int c = 0; c < weights.length; c++) {
      double[] w = weights[c];
      double v = 0;
      for (int j = 0; j < w.length; j++) {
        v += w[j] * x[j];
      }
      out[c] += v;
    }
    return out;
  }
}
