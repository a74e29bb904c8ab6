package io.foresight.minirocket;

/**
 * Per-feature standardisation, {@code (x - mean) / std}, with the statistics of a reference set; a
 * feature constant over the reference keeps scale 1, as scikit-learn does.
 */
public final class Standardizer {

  private final double[] mean;
  private final double[] scale;

  Standardizer(double[] mean, double[] scale) {
    this.mean = mean.clone();
    this.scale = scale.clone();
  }

  /** Statistics of the given rows (at least one). */
  public static Standardizer of(float[][] rows) {
    int dim = rows[0].length;
    double[] mean = new double[dim];
    for (float[] r : rows) {
      for (int j = 0; j < dim; j++) {
        mean[j] += r[j];
      }
    }
    for (int j = 0; j < dim; j++) {
      mean[j] /= rows.length;
    }
    double[] scale = new double[dim];
    for (float[] r : rows) {
      for (int j = 0; j < dim; j++) {
        double d = r[j] - mean[j];
        scale[j] += d * d;
      }
    }
    for (int j = 0; j < dim; j++) {
      double std = Math.sqrt(scale[j] / rows.length);
      scale[j] = std > 1e-12 ? std : 1;
    }
    return new Standardizer(mean, scale);
  }

  public int dimensions() {
    return mean.length;
  }

  /** One row standardised, each value then multiplied by {@code weight}. */
  public double[] apply(float[] row, double weight) {
    if (row.length != mean.length) {
      throw new IllegalArgumentException(
          "expected " + mean.length + " features, got " + row.length);
    }
    double[] out = new double[row.length];
    for (int j = 0; j < row.length; j++) {
      out[j] = (row[j] - mean[j]) / scale[j] * weight;
    }
    return out;
  }

  /** Every row standardised, weight 1. */
  public double[][] apply(float[][] rows) {
    double[][] out = new double[rows.length][];
    for (int i = 0; i < rows.length; i++) {
      out[i] = apply(rows[i], 1);
    }
    return out;
  }

  public double[] mean() {
    return mean.clone();
  }

  public double[] scale() {
    return scale.clone();
  }
}
