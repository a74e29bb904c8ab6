package io.foresight.classify;

/**
 * Probabilities from linear scores: {@code softmax(T * scores)}, with the one temperature {@code T}
 * that maximises the likelihood of held-out scores (temperature scaling, Guo et al., ICML 2017).
 * Ridge scores are regression outputs near +-1, not log-odds; scaled this way their softmax says how
 * often a class of that score was right on windows the fit did not see.
 */
final class Calibration {

  private Calibration() {}

  /**
   * The temperature in {@code [1e-2, max]} minimising the mean negative log-likelihood of the labels
   * under {@code softmax(T * decisions)}. That likelihood is convex in T, so a golden-section search
   * (on log T) finds it.
   */
  static double temperature(double[][] decisions, int[] labels, double max) {
    double lo = Math.log(1e-2);
    double hi = Math.log(max);
    double phi = (Math.sqrt(5) - 1) / 2;
    double a = hi - phi * (hi - lo);
    double b = lo + phi * (hi - lo);
    double fa = nll(decisions, labels, Math.exp(a));
    double fb = nll(decisions, labels, Math.exp(b));
    for (int i = 0; i < 60; i++) {
      if (fa <= fb) {
        hi = b;
        b = a;
        fb = fa;
        a = hi - phi * (hi - lo);
        fa = nll(decisions, labels, Math.exp(a));
      } else {
        lo = a;
        a = b;
        fa = fb;
        b = lo + phi * (hi - lo);
        fb = nll(decisions, labels, Math.exp(b));
      }
    }
    return Math.exp((lo + hi) / 2);
  }

  /** Mean negative log-likelihood of the labels at temperature t. */
  static double nll(double[][] decisions, int[] labels, double t) {
    double total = 0;
    for (int i = 0; i < decisions.length; i++) {
      double max = Double.NEGATIVE_INFINITY;
      for (double d : decisions[i]) {
        max = Math.max(max, t * d);
      }
      double sum = 0;
      for (double d : decisions[i]) {
        sum += Math.exp(t * d - max);
      }
      total += max + Math.log(sum) - t * decisions[i][labels[i]];
    }
    return total / decisions.length;
  }

  static double[] softmax(double[] scores, double t) {
    double max = Double.NEGATIVE_INFINITY;
    for (double s : scores) {
      max = Math.max(max, t * s);
    }
    double sum = 0;
    double[] out = new double[scores.length];
    for (int c = 0; c < scores.length; c++) {
      out[c] = Math.exp(t * scores[c] - max);
      sum += out[c];
    }
    for (int c = 0; c < scores.length; c++) {
      out[c] /= sum;
    }
    return out;
  }
}
