package io.foresight.minirocket;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/**
 * The classifier MiniRocket's authors fit on its features: one-vs-rest ridge regression on targets
 * +1/-1 with an intercept, its regularisation chosen from 10^-3..10^3 (ten values, log-spaced, as
 * scikit-learn's {@code RidgeClassifierCV}) by the exact leave-one-out squared error.
 *
 * <p>The rows come standardised (unit variance per feature, as scikit-learn's {@code StandardScaler}
 * gives). The authors' published runs used {@code normalize=True}, which scales each centred feature to
 * unit L2 norm, i.e. {@code std * sqrt(n)}: on those features the same grid acts like one n times
 * stronger here. Ours reaches the published accuracy all the same (README, Results).
 *
 * <p>Solved in the dual, since labelled series are few and features many: the centred Gram matrix
 * {@code X X^T = U diag(l) U^T} is decomposed once (EJML), and for every regularisation the leave-one-out
 * residuals follow in closed form, {@code (y - y_hat) / (1 - h_ii)}, from the hat matrix
 * {@code 1/n + U diag(l / (l + alpha)) U^T}. Cost: the Gram matrix, n^2 p, and one n x n eigen
 * decomposition; {@link FeatureClassifier} switches to logistic regression when n is large.
 */
public final class RidgeClassifier implements FeatureClassifier.Fitted {

  static final double[] ALPHAS = logspace(-3, 3, 10);

  private final double[] featureMean;
  private final double[][] weights; // [class][feature]
  private final double[] intercept;
  private final double alpha;
  private final double looError;
  private final double looAccuracy;

  private RidgeClassifier(
      double[] featureMean, double[][] weights, double[] intercept, double alpha, double looError,
      double looAccuracy) {
    this.featureMean = featureMean;
    this.weights = weights;
    this.intercept = intercept;
    this.alpha = alpha;
    this.looError = looError;
    this.looAccuracy = looAccuracy;
  }

  /**
   * Fits on already standardised rows.
   *
   * @param labels class index of every row, in {@code [0, classes)}
   */
  public static RidgeClassifier fit(double[][] x, int[] labels, int classes) {
    return fit(x, labels, classes, ALPHAS);
  }

  /** Fits choosing among the given regularisations. */
  static RidgeClassifier fit(double[][] x, int[] labels, int classes, double[] alphas) {
    int n = x.length;
    int p = x[0].length;
    if (labels.length != n || n < 2) {
      throw new IllegalArgumentException("ridge needs at least two labelled rows, one label each");
    }
    double[] mean = new double[p];
    for (double[] row : x) {
      for (int j = 0; j < p; j++) {
        mean[j] += row[j] / n;
      }
    }
    DMatrixRMaj centred = new DMatrixRMaj(n, p);
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < p; j++) {
        centred.unsafe_set(i, j, x[i][j] - mean[j]);
      }
    }
    double[][] y = new double[n][classes];
    double[] yMean = new double[classes];
    for (int i = 0; i < n; i++) {
      for (int c = 0; c < classes; c++) {
        y[i][c] = labels[i] == c ? 1 : -1;
        yMean[c] += y[i][c] / n;
      }
    }
    DMatrixRMaj gram = new DMatrixRMaj(n, n);
    CommonOps_DDRM.multTransB(centred, centred, gram);
    EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(n, true, true);
    if (!eig.decompose(gram)) {
      throw new IllegalStateException("eigen decomposition of the Gram matrix failed");
    }
    int m = eig.getNumberOfEigenvalues();
    double[] lambda = new double[m];
    double[][] u = new double[n][m]; // u[i][j]: row i of eigenvector j
    for (int j = 0; j < m; j++) {
      lambda[j] = Math.max(0, eig.getEigenvalue(j).real);
      DMatrixRMaj v = eig.getEigenVector(j);
      for (int i = 0; i < n; i++) {
        u[i][j] = v == null ? 0 : v.get(i, 0);
      }
    }
    // q = U^T (y - mean): the centred targets in the eigenbasis.
    double[][] q = new double[m][classes];
    for (int j = 0; j < m; j++) {
      for (int i = 0; i < n; i++) {
        for (int c = 0; c < classes; c++) {
          q[j][c] += u[i][j] * (y[i][c] - yMean[c]);
        }
      }
    }

    double bestAlpha = alphas[0];
    double bestError = Double.POSITIVE_INFINITY;
    double bestAccuracy = 0;
    for (double alpha : alphas) {
      double error = 0;
      int correct = 0;
      for (int i = 0; i < n; i++) {
        double h = 1.0 / n;
        double[] fitted = yMean.clone();
        for (int j = 0; j < m; j++) {
          double shrink = lambda[j] / (lambda[j] + alpha);
          h += u[i][j] * u[i][j] * shrink;
          for (int c = 0; c < classes; c++) {
            fitted[c] += u[i][j] * shrink * q[j][c];
          }
        }
        double denominator = Math.max(1 - h, 1e-12);
        int predicted = 0;
        double best = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < classes; c++) {
          double residual = (y[i][c] - fitted[c]) / denominator;
          error += residual * residual / (n * classes);
          double looPrediction = y[i][c] - residual;
          if (looPrediction > best) {
            best = looPrediction;
            predicted = c;
          }
        }
        correct += predicted == labels[i] ? 1 : 0;
      }
      if (error < bestError) {
        bestError = error;
        bestAlpha = alpha;
        bestAccuracy = correct / (double) n;
      }
    }

    // Primal weights W = Xc^T U diag(1 / (l + alpha)) q, one row per class.
    DMatrixRMaj dual = new DMatrixRMaj(n, classes);
    for (int i = 0; i < n; i++) {
      for (int c = 0; c < classes; c++) {
        double v = 0;
        for (int j = 0; j < m; j++) {
          v += u[i][j] * q[j][c] / (lambda[j] + bestAlpha);
        }
        dual.unsafe_set(i, c, v);
      }
    }
    DMatrixRMaj w = new DMatrixRMaj(p, classes);
    CommonOps_DDRM.multTransA(centred, dual, w);
    double[][] weights = new double[classes][p];
    for (int j = 0; j < p; j++) {
      for (int c = 0; c < classes; c++) {
        weights[c][j] = w.unsafe_get(j, c);
      }
    }
    return new RidgeClassifier(mean, weights, yMean, bestAlpha, bestError, bestAccuracy);
  }

  @Override
  public double[] decision(double[] x) {
    double[] out = intercept.clone();
    for (int c = 0; c < weights.length; c++) {
      double[] w = weights[c];
      double v = 0;
      for (int j = 0; j < w.length; j++) {
        v += (x[j] - featureMean[j]) * w[j];
      }
      out[c] += v;
    }
    return out;
  }

  /** The regularisation leave-one-out chose. */
  public double alpha() {
    return alpha;
  }

  /** Mean squared leave-one-out residual at the chosen regularisation. */
  public double looError() {
    return looError;
  }

  /** Leave-one-out accuracy at the chosen regularisation: an estimate from the labelled rows alone. */
  @Override
  public double crossValidatedAccuracy() {
    return looAccuracy;
  }

  private static double[] logspace(double from, double to, int count) {
    double[] out = new double[count];
    for (int i = 0; i < count; i++) {
      out[i] = Math.pow(10, from + (to - from) * i / (count - 1));
    }
    return out;
  }
}
