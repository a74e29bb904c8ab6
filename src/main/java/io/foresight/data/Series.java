package io.foresight.data;

import java.util.Arrays;
import java.util.Objects;

/**
 * One time series: an optional class label and its values.
 *
 * <p>{@code values} holds exactly the series' real steps; padding used by file formats to make rows
 * equally long has already been removed, so series in a dataset may differ in length. The array is
 * shared, not copied (datasets can be large): callers must not modify it.
 *
 * @param label the class label, or {@code null} for an unlabelled series
 * @param values the values, one per time step
 */
public record Series(String label, double[] values) {

  public Series {
    Objects.requireNonNull(values, "values");
  }

  /** Number of time steps. */
  public int length() {
    return values.length;
  }

  /** Compares label and values element by element (a record's default would compare array identity). */
  @Override
  public boolean equals(Object o) {
    return o instanceof Series other
        && Objects.equals(label, other.label)
        && Arrays.equals(values, other.values);
  }

  @Override
  public int hashCode() {
    return 31 * Objects.hashCode(label) + Arrays.hashCode(values);
  }

  /** Label and length only: printing every value of a long series is rarely useful. */
  @Override
  public String toString() {
    return "Series[label=" + label + ", length=" + values.length + "]";
  }
}
