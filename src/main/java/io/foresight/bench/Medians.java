package io.foresight.bench;

import java.util.Arrays;
import java.util.List;

/** The median every benchmark reports of its rounds (the mean of the middle two for an even count). */
public final class Medians {

  private Medians() {}

  public static double of(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  public static double of(List<Double> values) {
    return of(values.stream().mapToDouble(Double::doubleValue).toArray());
  }
}
