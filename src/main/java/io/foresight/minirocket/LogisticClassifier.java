package io.foresight.minirocket;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Multinomial logistic regression on standardised features, for many labelled series, in the manner of
 * MiniRocket's authors (their {@code softmax.py}: Adam, mini-batches of 256, early stopping on held-out
 * rows) but simpler: learning rate 10^-3 without their plateau schedule, a tenth of the rows held out and
 * checked once an epoch, training stopped after five epochs without improvement (at most 100); the
 * weights of the best epoch are kept.
 */
public final class LogisticClassifier implements FeatureClassifier.Fitted {

  private static final int BATCH = 256;
  private static final int MAX_EPOCHS = 100;
  private static final int PATIENCE = 5;
  private static final double LEARNING_RATE = 1e-3;

  private final double[][] weights; // [class][feature + 1], the last is the bias
  private final double heldOutAccuracy;

  private LogisticClassifier(double[][] weights, double heldOutAccuracy) {
    this.weights = weights;
    this.heldOutAccuracy = heldOutAccuracy;
  }

  /** Fits on standardised rows; at least ten rows. */
  public static LogisticClassifier fit(double[][] x, int[] labels, int classes, long seed) {
    int n = x.length;
    if (n < 10) {
      throw new IllegalArgumentException("logistic regression needs at least ten rows, got " + n);
    }
    int p = x[0].length;
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      order.add(i);
    }
    Random random = new Random(seed);
    Collections.shuffle(order, random);
    List<Integer> validation = order.subList(0, n / 10);
    List<Integer> training = new ArrayList<>(order.subList(n / 10, n));

    double[][] w = new double[classes][p + 1];
    double[][] m = new double[classes][p + 1];
    double[][] v = new double[classes][p + 1];
    double[][] best = copy(w);
    double bestLoss = Double.POSITIVE_INFINITY;
    int sinceBest = 0;
    long step = 0;
    double[][] grad = new double[classes][p + 1];
    for (int epoch = 0; epoch < MAX_EPOCHS && sinceBest < PATIENCE; epoch++) {
      Collections.shuffle(training, random);
      for (int start = 0; start < training.size(); start += BATCH) {
        int end = Math.min(training.size(), start + BATCH);
        for (double[] g : grad) {
          Arrays.fill(g, 0);
        }
        for (int b = start; b < end; b++) {
          int i = training.get(b);
          double[] prob = softmax(scores(w, x[i]));
          for (int c = 0; c < classes; c++) {
            double err = (prob[c] - (labels[i] == c ? 1 : 0)) / (end - start);
            double[] g = grad[c];
            for (int j = 0; j < p; j++) {
              g[j] += err * x[i][j];
            }
            g[p] += err;
          }
        }
        step++;
        double correction1 = 1 - Math.pow(0.9, step);
        double correction2 = 1 - Math.pow(0.999, step);
        for (int c = 0; c < classes; c++) {
          for (int j = 0; j <= p; j++) {
            m[c][j] = 0.9 * m[c][j] + 0.1 * grad[c][j];
            v[c][j] = 0.999 * v[c][j] + 0.001 * grad[c][j] * grad[c][j];
            w[c][j] -= LEARNING_RATE * (m[c][j] / correction1) / (Math.sqrt(v[c][j] / correction2) + 1e-8);
          }
        }
      }
      double loss = 0;
      for (int i : validation) {
        loss -= Math.log(Math.max(1e-12, softmax(scores(w, x[i]))[labels[i]]));
      }
      if (loss < bestLoss) {
        bestLoss = loss;
        best = copy(w);
        sinceBest = 0;
      } else {
        sinceBest++;
      }
    }
    LogisticClassifier unscored = new LogisticClassifier(best, Double.NaN);
    int correct = 0;
    for (int i : validation) {
      correct += unscored.predict(x[i]) == labels[i] ? 1 : 0;
    }
    return new LogisticClassifier(best, correct / (double) validation.size());
  }

  @Override
  public double[] decision(double[] x) {
    return scores(weights, x);
  }

  @Override
  public LinearModel linear() {
    double[][] w = new double[weights.length][];
    double[] b = new double[weights.length];
    for (int c = 0; c < weights.length; c++) {
      w[c] = java.util.Arrays.copyOf(weights[c], weights[c].length - 1);
      b[c] = weights[c][weights[c].length - 1];
    }
    return new LinearModel(w, b);
  }

  /** Accuracy on the held-out tenth of the labelled rows. */
  @Override
  public double crossValidatedAccuracy() {
    return heldOutAccuracy;
  }

  private static double[] scores(double[][] w, double[] x) {
    double[] out = new double[w.length];
    for (int c = 0; c < w.length; c++) {
      double s = w[c][x.length];
      for (int j = 0; j < x.length; j++) {
        s += w[c][j] * x[j];
      }
      out[c] = s;
    }
    return out;
  }

  private static double[] softmax(double[] s) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : s) {
      max = Math.max(max, v);
    }
    double sum = 0;
    double[] out = new double[s.length];
    for (int c = 0; c < s.length; c++) {
      out[c] = Math.exp(s[c] - max);
      sum += out[c];
    }
    for (int c = 0; c < s.length; c++) {
      out[c] /= sum;
    }
    return out;
  }

  private static double[][] copy(double[][] a) {
    double[][] out = new double[a.length][];
    for (int i = 0; i < a.length; i++) {
      out[i] = a[i].clone();
    }
    return out;
  }
}
