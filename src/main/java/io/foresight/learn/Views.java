package io.foresight.learn;

import io.foresight.model.Tokenizer.Tokens;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/** Crops, masks and length buckets: everything done to series on the Java side before DJL sees them. */
final class Views {

  private Views() {}

  /** A random stretch of at most {@code maxLength} steps; the series itself when it is short enough. */
  static Tokens crop(Tokens series, int maxLength, Random random) {
    if (series.length() <= maxLength) {
      return series;
    }
    int start = random.nextInt(series.length() - maxLength + 1);
    return slice(series, start, maxLength);
  }

  /**
   * A random stretch covering between 60 % and all of the series: two of these from one series are the
   * neighbouring, overlapping crops that temporal contrast treats as positives.
   */
  static Tokens subCrop(Tokens series, Random random) {
    int n = series.length();
    int min = Math.max(2, (int) Math.ceil(0.6 * n));
    if (n <= min) {
      return series;
    }
    int length = min + random.nextInt(n - min + 1);
    return slice(series, random.nextInt(n - length + 1), length);
  }

  static Tokens slice(Tokens series, int start, int length) {
    return new Tokens(
        Arrays.copyOfRange(series.ids(), start, start + length),
        Arrays.copyOfRange(series.inputs(), start, start + length),
        series.scale(),
        0);
  }

  /** A masked copy: hidden steps get {@code maskId} and input 0; {@code hidden} marks them. */
  record Masked(Tokens view, int[] originalIds, boolean[] hidden) {}

  /**
   * Hides about {@code ratio} of the steps in spans of geometric length with mean {@code span}, and
   * always at least one step.
   */
  static Masked mask(Tokens series, double ratio, int span, int maskId, Random random) {
    int n = series.length();
    int[] ids = series.ids().clone();
    float[] inputs = series.inputs().clone();
    boolean[] hidden = new boolean[n];
    // A span starts with probability p outside a span and lasts `span` steps on average, so the
    // hidden share is p*span / (1 + p*span); solving for `ratio` gives p below.
    double startProbability = ratio / (span * (1 - ratio));
    boolean inSpan = false;
    int hiddenCount = 0;
    for (int t = 0; t < n; t++) {
      inSpan = inSpan ? random.nextDouble() >= 1.0 / span : random.nextDouble() < startProbability;
      if (inSpan) {
        hidden[t] = true;
        hiddenCount++;
      }
    }
    if (hiddenCount == 0) {
      hidden[random.nextInt(n)] = true;
    }
    for (int t = 0; t < n; t++) {
      if (hidden[t]) {
        ids[t] = maskId;
        inputs[t] = 0;
      }
    }
    return new Masked(new Tokens(ids, inputs, series.scale(), 0), series.ids(), hidden);
  }

  /**
   * Batches of indices with similar lengths, so little of each batch is padding. Lengths are sorted
   * with random tie-breaks, cut into batches of at most {@code batchSize} series and {@code maxSteps}
   * padded steps, and the batch order is shuffled.
   */
  static List<int[]> buckets(int[] lengths, int batchSize, int maxSteps, Random random) {
    Integer[] order = new Integer[lengths.length];
    double[] tieBreak = new double[lengths.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
      tieBreak[i] = random.nextDouble();
    }
    Arrays.sort(
        order,
        Comparator.<Integer>comparingInt(i -> lengths[i]).thenComparingDouble(i -> tieBreak[i]));
    List<int[]> batches = new ArrayList<>();
    int i = 0;
    while (i < order.length) {
      int longest = lengths[order[Math.min(order.length - 1, i + batchSize - 1)]];
      int size = Math.max(1, Math.min(batchSize, maxSteps / Math.max(1, longest)));
      size = Math.min(size, order.length - i);
      int[] batch = new int[size];
      for (int k = 0; k < size; k++) {
        batch[k] = order[i + k];
      }
      batches.add(batch);
      i += size;
    }
    java.util.Collections.shuffle(batches, random);
    return batches;
  }
}
