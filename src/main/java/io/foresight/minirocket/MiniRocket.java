package io.foresight.minirocket;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * The MiniRocket transform: 84 fixed kernels of length 9 (weights -1, with 2 at three of the nine
 * positions: every choice of three), each at several dilations, and for every kernel and dilation a few
 * biases; a feature is the proportion of positive values (PPV) of the convolution output minus one bias.
 *
 * <p>Fitted without labels, as the paper does it:
 *
 * <ul>
 *   <li>dilations {@code floor(2^e)} for {@code e} spread evenly over {@code [0, log2((L - 1) / 8)]}, at
 *       most 32 distinct ones, where {@code L} is the reference length (the longest fitted series); the
 *       119 features a kernel has are spread over its dilations;
 *   <li>each bias is a quantile of the kernel's output on one random fitted series; the quantiles are
 *       the fractional parts of {@code i * golden ratio}, {@code i = 1..9996};
 *   <li>outputs are zero-padded to the input's length; when every fitted series has the same length,
 *       padding alternates between kernels and dilations as in the authors' {@code minirocket.py}: on
 *       every other (dilation, kernel) pair PPV counts only the positions whose receptive field lies
 *       inside the series. When fitted lengths vary, PPV always counts every position, as the authors'
 *       variable-length version does.
 * </ul>
 *
 * <p>Any length is transformed with the dilations fitted on the reference length: a series shorter than
 * the reference (or than the kernel itself) is convolved with zero padding at its own length, and where a
 * dilation's receptive field covers it entirely the unpadded positions are none, so PPV counts all
 * positions instead. Outputs are rounded to single precision and compared with single-precision biases,
 * as the reference does, so tied outputs fall on the same side. Inputs must be finite; {@link io.foresight.data.Gaps} fills
 * missing values first. Instances are immutable and thread-safe; the same seed and series give the same
 * transform.
 */
public final class MiniRocket {

  /** Features of the published default (10,000 requested; 84 kernels times 119 each). */
  public static final int DEFAULT_FEATURES = 10_000;

  public static final int KERNEL_LENGTH = 9;
  private static final int MAX_DILATIONS_PER_KERNEL = 32;
  /** The 84 kernels: positions of the three weights 2 among the nine, in lexicographic order. */
  private static final int[][] KERNELS = threeOfNine();

  private final int referenceLength;
  private final boolean alternatePadding;
  private final int[] dilations;
  private final int[] featuresPerDilation;
  private final float[] biases;

  MiniRocket(
      int referenceLength, boolean alternatePadding, int[] dilations, int[] featuresPerDilation,
      float[] biases) {
    long expected = KERNELS.length * Arrays.stream(featuresPerDilation).asLongStream().sum();
    if (dilations.length != featuresPerDilation.length || biases.length != expected) {
      throw new IllegalArgumentException(
          "inconsistent MiniRocket parameters: " + dilations.length + " dilations, "
              + featuresPerDilation.length + " feature counts, " + biases.length + " biases (expected "
              + expected + ")");
    }
    this.referenceLength = referenceLength;
    this.alternatePadding = alternatePadding;
    this.dilations = dilations.clone();
    this.featuresPerDilation = featuresPerDilation.clone();
    this.biases = biases.clone();
  }

  /**
   * A transform from parameters fitted before (a checkpoint's): the kernels are fixed, so these are
   * all there is to it.
   *
   * @throws IllegalArgumentException when they do not describe a transform (counts that disagree, a
   *     dilation below 1, a bias that is not finite)
   */
  public static MiniRocket restore(
      int referenceLength, boolean alternatePadding, int[] dilations, int[] featuresPerDilation,
      float[] biases) {
    if (referenceLength < 1) {
      throw new IllegalArgumentException("reference length " + referenceLength + " is below 1");
    }
    if (Arrays.stream(dilations).anyMatch(d -> d < 1)
        || Arrays.stream(featuresPerDilation).anyMatch(f -> f < 1)) {
      throw new IllegalArgumentException("dilations and their feature counts must be at least 1");
    }
    for (float bias : biases) {
      if (!Float.isFinite(bias)) {
        throw new IllegalArgumentException("a MiniRocket bias is not finite");
      }
    }
    return new MiniRocket(referenceLength, alternatePadding, dilations, featuresPerDilation, biases);
  }

  /** Fits the published default, about 10,000 features. */
  public static MiniRocket fit(List<double[]> series, long seed) {
    return fit(series, DEFAULT_FEATURES, seed);
  }

  /**
   * Fits the dilations to the longest series and the biases to random series; labels are not needed.
   *
   * @param features requested feature count, rounded down to a multiple of 84 (at least 84)
   */
  public static MiniRocket fit(List<double[]> series, int features, long seed) {
    if (series.isEmpty()) {
      throw new IllegalArgumentException("MiniRocket needs at least one series to fit");
    }
    for (double[] s : series) {
      requireUsable(s);
    }
    int referenceLength = series.stream().mapToInt(s -> s.length).max().orElseThrow();
    boolean equalLengths = series.stream().allMatch(s -> s.length == referenceLength);
    int perKernel = Math.max(1, features / KERNELS.length);
    int[][] plan = fitDilations(referenceLength, perKernel);
    int[] dilations = plan[0];
    int[] featuresPerDilation = plan[1];
    double[] quantiles = quantiles(KERNELS.length * perKernel);
    float[] biases = new float[quantiles.length];
    Random random = new Random(seed);
    Convolution conv = new Convolution(referenceLength);
    int feature = 0;
    for (int d = 0; d < dilations.length; d++) {
      for (int k = 0; k < KERNELS.length; k++) {
        double[] x = series.get(random.nextInt(series.size()));
        conv.prepare(x, dilations[d]);
        float[] out = conv.kernel(KERNELS[k]).clone();
        Arrays.sort(out, 0, x.length);
        for (int f = 0; f < featuresPerDilation[d]; f++, feature++) {
          biases[feature] = (float) quantile(out, x.length, quantiles[feature]);
        }
      }
    }
    return new MiniRocket(referenceLength, equalLengths, dilations, featuresPerDilation, biases);
  }

  /** Number of features per series. */
  public int features() {
    return biases.length;
  }

  public int referenceLength() {
    return referenceLength;
  }

  /** Whether PPV alternates between padded and unpadded outputs (fitted series of one length). */
  public boolean alternatesPadding() {
    return alternatePadding;
  }

  public int[] dilations() {
    return dilations.clone();
  }

  public int[] featuresPerDilation() {
    return featuresPerDilation.clone();
  }

  public float[] biases() {
    return biases.clone();
  }

  /** The features of one series of any length (at least one step). */
  public float[] transform(double[] series) {
    requireUsable(series);
    float[] out = new float[biases.length];
    Convolution conv = new Convolution(series.length);
    int n = series.length;
    int feature = 0;
    for (int d = 0; d < dilations.length; d++) {
      int padding = (KERNEL_LENGTH - 1) * dilations[d] / 2;
      conv.prepare(series, dilations[d]);
      for (int k = 0; k < KERNELS.length; k++) {
        float[] c = conv.kernel(KERNELS[k]);
        // The published alternation: (dilation index + kernel index) odd counts unpadded positions only.
        boolean unpadded = alternatePadding && (d + k) % 2 == 1 && n - 2 * padding > 0;
        int from = unpadded ? padding : 0;
        int to = unpadded ? n - padding : n;
        for (int f = 0; f < featuresPerDilation[d]; f++, feature++) {
          float bias = biases[feature];
          int positive = 0;
          for (int t = from; t < to; t++) {
            if (c[t] > bias) {
              positive++;
            }
          }
          out[feature] = positive / (float) (to - from);
        }
      }
    }
    return out;
  }

  /** The features of many series, transformed on all cores. */
  public float[][] transform(List<double[]> series) {
    float[][] out = new float[series.size()][];
    IntStream.range(0, series.size()).parallel().forEach(i -> out[i] = transform(series.get(i)));
    return out;
  }

  /**
   * Dilations and features per dilation for a reference length, as the reference code computes them:
   * {@code unique(floor(logspace(0, log2((L-1)/8), D, base 2)))} with their multiplicities, scaled to the
   * features a kernel has, the remainder handed out one at a time from the smallest dilation.
   */
  static int[][] fitDilations(int referenceLength, int featuresPerKernel) {
    int count = Math.min(featuresPerKernel, MAX_DILATIONS_PER_KERNEL);
    double multiplier = featuresPerKernel / (double) count;
    // Series shorter than the kernel get dilation 1 only (the exponent would be negative).
    double maxExponent =
        Math.max(0, log2((referenceLength - 1) / (double) (KERNEL_LENGTH - 1)));
    if (count == 1) {
      maxExponent = 0; // numpy's linspace(0, stop, 1) is [0]: dilation 1
    }
    List<Integer> distinct = new ArrayList<>();
    List<Integer> multiplicity = new ArrayList<>();
    double step = count == 1 ? 0 : maxExponent / (count - 1); // numpy's linspace, step by step
    for (int i = 0; i < count; i++) {
      double exponent = i == count - 1 ? maxExponent : i * step;
      int dilation = (int) Math.pow(2, exponent);
      if (!distinct.isEmpty() && distinct.get(distinct.size() - 1) == dilation) {
        multiplicity.set(multiplicity.size() - 1, multiplicity.get(multiplicity.size() - 1) + 1);
      } else {
        distinct.add(dilation);
        multiplicity.add(1);
      }
    }
    int[] dilations = distinct.stream().mapToInt(Integer::intValue).toArray();
    int[] perDilation = new int[dilations.length];
    int remainder = featuresPerKernel;
    for (int i = 0; i < dilations.length; i++) {
      perDilation[i] = (int) (multiplicity.get(i) * multiplier);
      remainder -= perDilation[i];
    }
    for (int i = 0; remainder > 0; i = (i + 1) % perDilation.length, remainder--) {
      perDilation[i]++;
    }
    return new int[][] {dilations, perDilation};
  }

  /** The fractional parts of {@code i * golden ratio} for {@code i = 1..n}: low-discrepancy quantiles. */
  static double[] quantiles(int n) {
    double phi = (Math.sqrt(5) + 1) / 2;
    double[] q = new double[n];
    for (int i = 0; i < n; i++) {
      double v = (i + 1) * phi;
      q[i] = v - Math.floor(v);
    }
    return q;
  }

  /** Linear-interpolation quantile of the first {@code n} sorted values (numpy's default). */
  static double quantile(float[] sorted, int n, double q) {
    double position = q * (n - 1);
    int lo = (int) Math.floor(position);
    int hi = Math.min(n - 1, lo + 1);
    return sorted[lo] + (sorted[hi] - sorted[lo]) * (position - lo);
  }

  private static double log2(double v) {
    return Math.log(v) / Math.log(2);
  }

  private static void requireUsable(double[] series) {
    if (series.length == 0) {
      throw new IllegalArgumentException("MiniRocket cannot transform an empty series");
    }
    for (int t = 0; t < series.length; t++) {
      if (!Double.isFinite(series[t])) {
        throw new IllegalArgumentException(
            "MiniRocket needs finite values; step " + t + " is " + series[t]
                + " (fill missing values first)");
      }
    }
  }

  private static int[][] threeOfNine() {
    List<int[]> kernels = new ArrayList<>();
    for (int a = 0; a < KERNEL_LENGTH; a++) {
      for (int b = a + 1; b < KERNEL_LENGTH; b++) {
        for (int c = b + 1; c < KERNEL_LENGTH; c++) {
          kernels.add(new int[] {a, b, c});
        }
      }
    }
    return kernels.toArray(new int[0][]);
  }

  /**
   * The shared terms of all 84 kernels at one dilation, as the paper computes them: every kernel's
   * output is {@code -sum of the nine shifted inputs + 3 * (its three shifted inputs)}, so the sum is
   * computed once and each kernel adds three rows.
   */
  private static final class Convolution {
    private final double[] alpha;
    private final double[][] gamma = new double[KERNEL_LENGTH][];
    private final float[] out;
    private int length;

    Convolution(int capacity) {
      alpha = new double[capacity];
      out = new float[capacity];
      for (int j = 0; j < KERNEL_LENGTH; j++) {
        gamma[j] = new double[capacity];
      }
    }

    void prepare(double[] x, int dilation) {
      length = x.length;
      Arrays.fill(alpha, 0, length, 0);
      for (int j = 0; j < KERNEL_LENGTH; j++) {
        int shift = (j - KERNEL_LENGTH / 2) * dilation;
        double[] g = gamma[j];
        for (int t = 0; t < length; t++) {
          int s = t + shift;
          double v = s >= 0 && s < length ? x[s] : 0;
          g[t] = 3 * v;
          alpha[t] -= v;
        }
      }
    }

    /**
     * The output of one kernel over the prepared input, summed in double and rounded once to single
     * precision (what the reference computes in and compares with the biases); valid until the next
     * call.
     */
    float[] kernel(int[] twos) {
      double[] g0 = gamma[twos[0]];
      double[] g1 = gamma[twos[1]];
      double[] g2 = gamma[twos[2]];
      for (int t = 0; t < length; t++) {
        out[t] = (float) (alpha[t] + g0[t] + g1[t] + g2[t]);
      }
      return out;
    }
  }
}
