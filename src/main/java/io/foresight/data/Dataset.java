package io.foresight.data;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * A named, immutable list of series, as read from one dataset file.
 *
 * @param name the dataset's name, e.g. {@code GunPoint}
 * @param series the series, in file order
 */
public record Dataset(String name, List<Series> series) {

  public Dataset {
    Objects.requireNonNull(name, "name");
    series = List.copyOf(series);
  }

  /** The values of every series, in order (shared arrays, as {@link Series#values()}). */
  public List<double[]> values() {
    return series.stream().map(Series::values).toList();
  }

  /** Number of series. */
  public int size() {
    return series.size();
  }

  /**
   * The distinct non-null labels, sorted numerically when every label is a number (so {@code "10"}
   * comes after {@code "2"}) and lexicographically otherwise.
   */
  public List<String> classNames() {
    List<String> names = new ArrayList<>(
        series.stream().map(Series::label).filter(Objects::nonNull).distinct().toList());
    if (names.stream().allMatch(Dataset::isNumber)) {
      // Ties such as "1" and "1.0" fall back to string order so the result is deterministic.
      Comparator<String> byValue = Comparator.comparing(BigDecimal::new);
      names.sort(byValue.thenComparing(Comparator.naturalOrder()));
    } else {
      names.sort(Comparator.naturalOrder());
    }
    return List.copyOf(names);
  }

  /** Length of the shortest series, or 0 for an empty dataset. */
  public int minLength() {
    return series.stream().mapToInt(Series::length).min().orElse(0);
  }

  /** Length of the longest series, or 0 for an empty dataset. */
  public int maxLength() {
    return series.stream().mapToInt(Series::length).max().orElse(0);
  }

  /** Whether every series has a label. */
  public boolean isLabelled() {
    return series.stream().allMatch(s -> s.label() != null);
  }

  /** Whether every value of every series is a whole number (e.g. token ids or counts). */
  public boolean isIntegerValued() {
    for (Series s : series) {
      for (double v : s.values()) {
        if (!Double.isFinite(v) || v != Math.rint(v)) {
          return false;
        }
      }
    }
    return true;
  }

  /** The series at the given indices, in that order, under the same name. */
  public Dataset subset(List<Integer> indices) {
    List<Series> picked = new ArrayList<>(indices.size());
    for (int i : indices) {
      picked.add(series.get(i));
    }
    return new Dataset(name, picked);
  }

  /** The same series under another name. */
  public Dataset withName(String newName) {
    return new Dataset(newName, series);
  }

  private static boolean isNumber(String s) {
    try {
      new BigDecimal(s);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
