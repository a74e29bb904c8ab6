package io.foresight.data;

/**
 * Missing values inside a series (a sensor that skipped a reading), as opposed to the padding at the
 * end of a shorter series, which readers always remove.
 */
public final class Gaps {

  /** What a reader does with a missing value inside a series. */
  public enum Policy {
    /** Refuse the file, naming the line and the step (the default: a gap is never guessed at). */
    REFUSE,
    /**
     * Keep the gap as NaN in {@link Series#values()}: the encoder reads it as its mask id (a step it
     * cannot see, never a value), MiniRocket reads it linearly interpolated ({@link #interpolate}).
     */
    KEEP
  }

  private Gaps() {}

  /** Whether the series has a missing value. */
  public static boolean any(double[] values) {
    for (double v : values) {
      if (Double.isNaN(v)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The series with each gap filled by linear interpolation between the nearest real steps on either
   * side; gaps at the start take the first real value, gaps at the end the last. A series without
   * gaps is returned as it is; one without any real value is refused.
   */
  public static double[] interpolate(double[] values) {
    if (!any(values)) {
      return values;
    }
    double[] out = values.clone();
    int previous = -1;
    for (int t = 0; t <= out.length; t++) {
      if (t < out.length && Double.isNaN(out[t])) {
        continue;
      }
      int gapStart = previous + 1;
      if (t > gapStart) {
        if (previous < 0 && t == out.length) {
          throw new IllegalArgumentException("series has no real value to fill its gaps from");
        }
        for (int g = gapStart; g < t; g++) {
          if (previous < 0) {
            out[g] = out[t];
          } else if (t == out.length) {
            out[g] = out[previous];
          } else {
            double w = (g - previous) / (double) (t - previous);
            out[g] = out[previous] + w * (out[t] - out[previous]);
          }
        }
      }
      previous = t;
    }
    return out;
  }
}
