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
 * <p>Solved in the dual ({@link Dual}), since labelled series are few and features many. Cost: the
 * Gram matrix, n^2 p, and one n x n eigen decomposition; {@link FeatureClassifier} switches to
 * logistic regression when n is large.
 */
public final class RidgeClassifier implements FeatureClassifier.Fitted {

  static final double[] ALPHAS = logspace(-3, 3, 10);

  private final LinearModel model;
  private final Dual dual;

  private RidgeClassifier(LinearModel model, Dual dual) {
    this.model = model;
    this.dual = dual;
  }

  /**
   * Fits on already standardised rows.
   *
   * @param labels class index of every row, in {@code [0, classes)}
   */
  public static RidgeClassifier fit(double[][] x, int[] labels, int classes) {
    return fit(x, labels, classes, null, ALPHAS);
  }

  /** Fits choosing among the given regularisations; {@code groups} as in {@link Dual#solve}. */
  static RidgeClassifier fit(double[][] x, int[] labels, int classes, int[] groups, double[] alphas) {
    int n = x.length;
    if (labels.length != n || n < 2) {
      throw new IllegalArgumentException("ridge needs at least two labelled rows, one label each");
    }
    double[] mean = columnMeans(x);
    DMatrixRMaj centred = centred(x, mean);
    Dual dual = Dual.solve(gram(centred), labels, classes, groups, alphas);
    double[][] weights = dual.primal(centred, 1);
    return new RidgeClassifier(LinearModel.centredAt(weights, dual.intercept(), mean), dual);
  }

  @Override
  public double[] decision(double[] x) {
    return model.decision(x);
  }

  @Override
  public LinearModel linear() {
    return model;
  }

  /** The regularisation cross-validation chose. */
  public double alpha() {
    return dual.alpha();
  }

  /** Mean squared cross-validated residual at the chosen regularisation. */
  public double looError() {
    return dual.error();
  }

  /** Cross-validated accuracy at the chosen regularisation: an estimate from the labelled rows alone. */
  @Override
  public double crossValidatedAccuracy() {
    return dual.accuracy();
  }

  /** The mean of every column. */
  public static double[] columnMeans(double[][] x) {
    int p = x[0].length;
    double[] mean = new double[p];
    for (double[] row : x) {
      for (int j = 0; j < p; j++) {
        mean[j] += row[j];
      }
    }
    for (int j = 0; j < p; j++) {
      mean[j] /= x.length;
    }
    return mean;
  }

  /** The rows minus {@code mean}, as a matrix. */
  public static DMatrixRMaj centred(double[][] x, double[] mean) {
    DMatrixRMaj centred = new DMatrixRMaj(x.length, mean.length);
    for (int i = 0; i < x.length; i++) {
      for (int j = 0; j < mean.length; j++) {
        centred.unsafe_set(i, j, x[i][j] - mean[j]);
      }
    }
    return centred;
  }

  /**
   * {@code X X^T}, the lower triangle computed and mirrored. Four rows are multiplied with each other
   * row at once, so each value read from memory serves four products: on 512 x 10,000 it took 0.7 s
   * against 4.1 s for EJML's general {@code multTransB} in one scratch measurement here, which matters
   * to a trainer refitting live.
   */
  public static DMatrixRMaj gram(DMatrixRMaj x) {
    int n = x.numRows;
    int p = x.numCols;
    double[] a = x.data;
    DMatrixRMaj gram = new DMatrixRMaj(n, n);
    for (int i = 0; i < n; i += 4) {
      int last = Math.min(i + 3, n - 1);
      int o0 = i * p;
      int o1 = Math.min(i + 1, last) * p;
      int o2 = Math.min(i + 2, last) * p;
      int o3 = last * p;
      for (int j = 0; j <= last; j++) {
        int oj = j * p;
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        for (int k = 0; k < p; k++) {
          double v = a[oj + k];
          s0 += a[o0 + k] * v;
          s1 += a[o1 + k] * v;
          s2 += a[o2 + k] * v;
          s3 += a[o3 + k] * v;
        }
        double[] sums = {s0, s1, s2, s3};
        for (int r = 0; r <= last - i; r++) {
          if (j <= i + r) {
            gram.unsafe_set(i + r, j, sums[r]);
            gram.unsafe_set(j, i + r, sums[r]);
          }
        }
      }
    }
    return gram;
  }

  /**
   * Ridge in the dual on a centred Gram matrix {@code K = Xc Xc^T = U diag(l) U^T}, decomposed once:
   * for every regularisation the cross-validated residuals follow in closed form from the hat matrix
   * {@code H = 1/n + U diag(l / (l + alpha)) U^T}. Leaving out one row, the residual is
   * {@code (y - y_hat) / (1 - h_ii)}; leaving out a group S of rows (all windows of one entity, which
   * overlap and would make leave-one-out flatter than the truth), it is
   * {@code (I - H_SS)^-1 (y_S - y_hat_S)}. Both are exact: they equal refitting without the rows.
   *
   * <p>Separate from the features so that blocks of features weighted differently can share their
   * Gram matrices ({@code K = a^2 K_1 + b^2 K_2}) instead of recomputing them.
   */
  public static final class Dual {
    private final double[][] coefficients; // [row][class]: primal weights are Xc^T coefficients
    private final double[] intercept;
    private final double alpha;
    private final double error;
    private final double accuracy;
    private final double[][] heldOutDecisions;

    private Dual(
        double[][] coefficients, double[] intercept, double alpha, double error, double accuracy,
        double[][] heldOutDecisions) {
      this.coefficients = coefficients;
      this.intercept = intercept;
      this.alpha = alpha;
      this.error = error;
      this.accuracy = accuracy;
      this.heldOutDecisions = heldOutDecisions;
    }

    /** {@link #solve(DMatrixRMaj, int[], int, int[], double[])} over the default regularisations. */
    public static Dual solve(DMatrixRMaj centredGram, int[] labels, int classes, int[] groups) {
      return solve(centredGram, labels, classes, groups, ALPHAS);
    }

    /**
     * Chooses the regularisation with the lowest cross-validated squared error.
     *
     * @param centredGram {@code Xc Xc^T} of the centred rows (not modified)
     * @param groups group of every row, left out together; null leaves out one row at a time
     */
    public static Dual solve(
        DMatrixRMaj centredGram, int[] labels, int classes, int[] groups, double[] alphas) {
      int n = centredGram.numRows;
      if (labels.length != n || n < 2) {
        throw new IllegalArgumentException("ridge needs at least two labelled rows, one label each");
      }
      int[][] folds = folds(groups, n);
      double[][] y = new double[n][classes];
      double[] yMean = new double[classes];
      for (int i = 0; i < n; i++) {
        for (int c = 0; c < classes; c++) {
          y[i][c] = labels[i] == c ? 1 : -1;
          yMean[c] += y[i][c] / n;
        }
      }
      EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(n, true, true);
      if (!eig.decompose(centredGram.copy())) {
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
      double[][] bestDecisions = null;
      double[] shrink = new double[m];
      for (double alpha : alphas) {
        for (int j = 0; j < m; j++) {
          shrink[j] = lambda[j] / (lambda[j] + alpha);
        }
        double[][] residuals = new double[n][];
        for (int[] fold : folds) {
          double[][] r = heldOutResiduals(fold, u, shrink, q, y, yMean, n);
          for (int a = 0; a < fold.length; a++) {
            residuals[fold[a]] = r[a];
          }
        }
        double error = 0;
        int correct = 0;
        double[][] decisions = new double[n][classes];
        for (int i = 0; i < n; i++) {
          int predicted = 0;
          for (int c = 0; c < classes; c++) {
            error += residuals[i][c] * residuals[i][c] / (n * classes);
            decisions[i][c] = y[i][c] - residuals[i][c];
            if (decisions[i][c] > decisions[i][predicted]) {
              predicted = c;
            }
          }
          correct += predicted == labels[i] ? 1 : 0;
        }
        if (error < bestError) {
          bestError = error;
          bestAlpha = alpha;
          bestAccuracy = correct / (double) n;
          bestDecisions = decisions;
        }
      }

      // Dual coefficients U diag(1 / (l + alpha)) q.
      double[][] coefficients = new double[n][classes];
      for (int i = 0; i < n; i++) {
        for (int c = 0; c < classes; c++) {
          double v = 0;
          for (int j = 0; j < m; j++) {
            v += u[i][j] * q[j][c] / (lambda[j] + bestAlpha);
          }
          coefficients[i][c] = v;
        }
      }
      return new Dual(coefficients, yMean, bestAlpha, bestError, bestAccuracy, bestDecisions);
    }

    /** The residuals of the rows of one fold, predicted by a fit without them. */
    private static double[][] heldOutResiduals(
        int[] fold, double[][] u, double[] shrink, double[][] q, double[][] y, double[] yMean, int n) {
      int s = fold.length;
      int classes = yMean.length;
      DMatrixRMaj system = new DMatrixRMaj(s, s); // I - H_SS
      DMatrixRMaj raw = new DMatrixRMaj(s, classes); // y_S - y_hat_S
      for (int a = 0; a < s; a++) {
        double[] ua = u[fold[a]];
        for (int b = a; b < s; b++) {
          double[] ub = u[fold[b]];
          double h = 1.0 / n;
          for (int j = 0; j < shrink.length; j++) {
            h += ua[j] * ub[j] * shrink[j];
          }
          double v = (a == b ? 1 : 0) - h;
          system.unsafe_set(a, b, v);
          system.unsafe_set(b, a, v);
        }
        for (int c = 0; c < classes; c++) {
          double fitted = yMean[c];
          for (int j = 0; j < shrink.length; j++) {
            fitted += ua[j] * shrink[j] * q[j][c];
          }
          raw.unsafe_set(a, c, y[fold[a]][c] - fitted);
        }
      }
      DMatrixRMaj residual = new DMatrixRMaj(s, classes);
      if (s == 1) {
        double d = Math.max(system.get(0, 0), 1e-12);
        for (int c = 0; c < classes; c++) {
          residual.set(0, c, raw.get(0, c) / d);
        }
      } else if (!CommonOps_DDRM.solve(system, raw, residual)) {
        DMatrixRMaj inverse = new DMatrixRMaj(s, s);
        CommonOps_DDRM.pinv(system, inverse);
        CommonOps_DDRM.mult(inverse, raw, residual);
      }
      double[][] out = new double[s][classes];
      for (int a = 0; a < s; a++) {
        for (int c = 0; c < classes; c++) {
          out[a][c] = residual.get(a, c);
        }
      }
      return out;
    }

    private static int[][] folds(int[] groups, int n) {
      if (groups == null) {
        int[][] folds = new int[n][];
        for (int i = 0; i < n; i++) {
          folds[i] = new int[] {i};
        }
        return folds;
      }
      if (groups.length != n) {
        throw new IllegalArgumentException("one group per row: " + groups.length + " for " + n + " rows");
      }
      java.util.Map<Integer, java.util.List<Integer>> byGroup = new java.util.LinkedHashMap<>();
      for (int i = 0; i < n; i++) {
        byGroup.computeIfAbsent(groups[i], g -> new java.util.ArrayList<>()).add(i);
      }
      return byGroup.values().stream()
          .map(rows -> rows.stream().mapToInt(Integer::intValue).toArray())
          .toArray(int[][]::new);
    }

    /**
     * Primal weights {@code scale * Xc^T coefficients} of one block of centred features,
     * {@code [class][feature]}.
     */
    public double[][] primal(DMatrixRMaj centredBlock, double scale) {
      int n = coefficients.length;
      int classes = intercept.length;
      DMatrixRMaj dual = new DMatrixRMaj(n, classes);
      for (int i = 0; i < n; i++) {
        for (int c = 0; c < classes; c++) {
          dual.unsafe_set(i, c, coefficients[i][c]);
        }
      }
      DMatrixRMaj w = new DMatrixRMaj(centredBlock.numCols, classes);
      CommonOps_DDRM.multTransA(centredBlock, dual, w);
      double[][] weights = new double[classes][centredBlock.numCols];
      for (int j = 0; j < centredBlock.numCols; j++) {
        for (int c = 0; c < classes; c++) {
          weights[c][j] = w.unsafe_get(j, c) * scale;
        }
      }
      return weights;
    }

    /** The mean target of each class: the decision at the centre of the features. */
    public double[] intercept() {
      return intercept.clone();
    }

    public double alpha() {
      return alpha;
    }

    /** Mean squared held-out residual at the chosen regularisation. */
    public double error() {
      return error;
    }

    /** Held-out accuracy at the chosen regularisation. */
    public double accuracy() {
      return accuracy;
    }

    /** Each row's decision scores from the fit that left it out, {@code [row][class]}. */
    public double[][] heldOutDecisions() {
      return heldOutDecisions;
    }
  }

  private static double[] logspace(double from, double to, int count) {
    double[] out = new double[count];
    for (int i = 0; i < count; i++) {
      out[i] = Math.pow(10, from + (to - from) * i / (count - 1));
    }
    return out;
  }
}
