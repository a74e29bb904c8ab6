package io.foresight.learn;

import libsvm.svm;
import libsvm.svm_model;
import libsvm.svm_node;
import libsvm.svm_parameter;
import libsvm.svm_problem;

/**
 * The probe on a frozen encoder, scored as TS2Vec scores it: an RBF SVM (LIBSVM) on standardised
 * embeddings, gamma = 1 / dimensions, C chosen by 5-fold cross-validation on the labelled training
 * embeddings from 10^-4..10^4; with fewer than 5 labelled series per class (too few to cross-validate)
 * C is large, as TS2Vec does.
 */
public final class SvmProbe {

  private static final double[] C_GRID = {1e-4, 1e-3, 1e-2, 1e-1, 1, 10, 100, 1e3, 1e4};
  private static final double C_WHEN_TOO_FEW = 1e4;

  static {
    svm.svm_set_print_string_function(message -> {});
  }

  private final double[] mean;
  private final double[] std;
  private final svm_model model;
  private final double chosenC;

  private SvmProbe(double[] mean, double[] std, svm_model model, double chosenC) {
    this.mean = mean;
    this.std = std;
    this.model = model;
    this.chosenC = chosenC;
  }

  /**
   * Fits the probe.
   *
   * @param embeddings the labelled series' embeddings
   * @param reference embeddings whose per-dimension mean and spread standardise the inputs: all of
   *     TRAIN, labelled or not, so that a handful of labelled series need not estimate them
   */
  public static SvmProbe fit(
      float[][] embeddings, int[] labels, int classes, float[][] reference, long seed) {
    int n = embeddings.length;
    int dim = embeddings[0].length;
    double[] mean = new double[dim];
    double[] std = new double[dim];
    for (float[] e : reference) {
      for (int j = 0; j < dim; j++) {
        mean[j] += e[j] / (double) reference.length;
      }
    }
    for (float[] e : reference) {
      for (int j = 0; j < dim; j++) {
        std[j] += (e[j] - mean[j]) * (e[j] - mean[j]) / reference.length;
      }
    }
    for (int j = 0; j < dim; j++) {
      std[j] = std[j] > 1e-12 ? Math.sqrt(std[j]) : 1;
    }
    svm_problem problem = new svm_problem();
    problem.l = n;
    problem.x = new svm_node[n][];
    problem.y = new double[n];
    for (int i = 0; i < n; i++) {
      problem.x[i] = nodes(embeddings[i], mean, std);
      problem.y[i] = labels[i];
    }
    int[] counts = new int[classes];
    for (int label : labels) {
      counts[label]++;
    }
    int smallest = Integer.MAX_VALUE;
    for (int count : counts) {
      if (count > 0) {
        smallest = Math.min(smallest, count);
      }
    }
    double bestC = C_WHEN_TOO_FEW;
    if (smallest >= 5 && n >= 50) {
      double bestAccuracy = -1;
      for (double c : C_GRID) {
        svm.rand.setSeed(seed);
        double[] predicted = new double[n];
        svm.svm_cross_validation(problem, parameters(c, dim), 5, predicted);
        int correct = 0;
        for (int i = 0; i < n; i++) {
          correct += predicted[i] == problem.y[i] ? 1 : 0;
        }
        double accuracy = correct / (double) n;
        if (accuracy > bestAccuracy) {
          bestAccuracy = accuracy;
          bestC = c;
        }
      }
    }
    svm.rand.setSeed(seed);
    return new SvmProbe(mean, std, svm.svm_train(problem, parameters(bestC, dim)), bestC);
  }

  public int predict(float[] embedding) {
    return (int) svm.svm_predict(model, nodes(embedding, mean, std));
  }

  public double chosenC() {
    return chosenC;
  }

  private static svm_parameter parameters(double c, int dim) {
    svm_parameter p = new svm_parameter();
    p.svm_type = svm_parameter.C_SVC;
    p.kernel_type = svm_parameter.RBF;
    p.gamma = 1.0 / dim;
    p.C = c;
    p.cache_size = 100;
    p.eps = 1e-3;
    p.shrinking = 1;
    p.probability = 0;
    p.nr_weight = 0;
    p.weight_label = new int[0];
    p.weight = new double[0];
    return p;
  }

  private static svm_node[] nodes(float[] e, double[] mean, double[] std) {
    svm_node[] x = new svm_node[e.length];
    for (int j = 0; j < e.length; j++) {
      x[j] = new svm_node();
      x[j].index = j + 1;
      x[j].value = (e[j] - mean[j]) / std[j];
    }
    return x;
  }
}
