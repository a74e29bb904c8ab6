package io.foresight.minirocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The transform against the paper's definition, computed here the slow, direct way. */
class MiniRocketTest {

  @Test
  void dilationsAndFeatureCountsMatchTheReferenceCode() {
    // Expected values printed by the authors' fit_dilations (numpy) for 119 features per kernel.
    int[][] l150 = MiniRocket.fitDilations(150, 119);
    assertThat(l150[0]).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14, 15, 16, 18);
    assertThat(l150[1]).containsExactly(30, 15, 12, 12, 4, 8, 8, 4, 4, 4, 3, 3, 3, 3, 3, 3);
    int[][] l24 = MiniRocket.fitDilations(24, 119);
    assertThat(l24[0]).containsExactly(1, 2);
    assertThat(l24[1]).containsExactly(79, 40);
    int[][] l1460 = MiniRocket.fitDilations(1460, 119);
    assertThat(l1460[0]).containsExactly(
        1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 14, 17, 20, 24, 28, 34, 40, 47, 56, 66, 78, 93, 110, 130, 154,
        182);
    assertThat(l1460[1]).containsExactly(
        19, 8, 8, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 3, 3, 3, 3, 3, 3, 3, 3);
  }

  @Test
  void dilationsAreExactWhereTheReferenceExponentIsAWholeNumber() {
    // (L - 1) / 8 a power of two: numpy's log2 is exact there, so the largest dilation is that power
    // (Java's log ratio is exact there too, or just above at 2^29, which floors the same).
    for (int length : new int[] {17, 33, 65, 129, 513, 1025, 8193}) {
      int[] dilations = MiniRocket.fitDilations(length, 119)[0];
      assertThat(dilations[dilations.length - 1]).as("length %d", length).isEqualTo((length - 1) / 8);
    }
    // One feature per kernel: numpy's linspace(0, stop, 1) is [0], dilation 1.
    assertThat(MiniRocket.fitDilations(1000, 1)[0]).containsExactly(1);
    assertThat(MiniRocket.fitDilations(1000, 1)[1]).containsExactly(1);
  }

  @Test
  void unequalFittedLengthsCountEveryPositionAsTheVariableLengthReferenceDoes() {
    List<double[]> mixed = new ArrayList<>(randomSeries(5, 60, 8));
    mixed.addAll(randomSeries(5, 45, 9));
    assertThat(MiniRocket.fit(mixed, 0).alternatesPadding()).isFalse();
    assertThat(MiniRocket.fit(randomSeries(5, 60, 8), 0).alternatesPadding()).isTrue();
  }

  @Test
  void defaultHas9996FeaturesAndBiasesFromTheGoldenRatioQuantiles() {
    MiniRocket rocket = MiniRocket.fit(randomSeries(20, 150, 1), 7);
    assertThat(rocket.features()).isEqualTo(84 * 119);
    double[] q = MiniRocket.quantiles(3);
    assertThat(q[0]).isCloseTo(0.618034, within(1e-6));
    assertThat(q[1]).isCloseTo(0.236068, within(1e-6));
    assertThat(q[2]).isCloseTo(0.854102, within(1e-6));
  }

  @Test
  void featuresAreThePpvOfEachKernelAgainstItsBias() {
    List<double[]> series = randomSeries(10, 60, 2);
    List<double[]> mixed = new ArrayList<>(series);
    mixed.addAll(randomSeries(4, 35, 3));
    // Equal fitted lengths alternate padded and unpadded outputs; mixed lengths count every position.
    for (MiniRocket rocket : List.of(MiniRocket.fit(series, 3), MiniRocket.fit(mixed, 3))) {
      for (double[] x :
          List.of(series.get(0), randomSeries(1, 45, 9).get(0), new double[] {1, -2, 3})) {
        assertThat(rocket.transform(x)).containsExactly(direct(rocket, x), within(1e-6f));
      }
    }
  }

  @Test
  void everyBiasIsAQuantileOfItsKernelsOutputOnSomeFittedSeries() {
    List<double[]> series = randomSeries(5, 80, 4);
    MiniRocket rocket = MiniRocket.fit(series, 11);
    float[] biases = rocket.biases();
    // The PPV of a bias on the series it was drawn from (all positions) is one minus its quantile,
    // up to one position; so on at least one of the fitted series the padded features agree.
    double[] q = MiniRocket.quantiles(biases.length);
    int feature = 0;
    int[] dilations = rocket.dilations();
    int[] perDilation = rocket.featuresPerDilation();
    for (int d = 0; d < dilations.length; d++) {
      for (int k = 0; k < 84; k++) {
        for (int f = 0; f < perDilation[d]; f++, feature++) {
          boolean found = false;
          for (double[] x : series) {
            double[] out = convolve(x, KERNEL_TWOS.get(k), dilations[d]);
            int above = 0;
            for (double v : out) {
              above += v > biases[feature] ? 1 : 0;
            }
            found |= Math.abs(above / (double) x.length - (1 - q[feature])) <= 1.5 / x.length;
          }
          assertThat(found).as("feature %d", feature).isTrue();
        }
      }
    }
  }

  @Test
  void sameSeedSameTransformAnotherSeedAnother() {
    List<double[]> series = randomSeries(30, 100, 5);
    assertThat(MiniRocket.fit(series, 1).biases()).containsExactly(MiniRocket.fit(series, 1).biases());
    assertThat(MiniRocket.fit(series, 1).biases()).isNotEqualTo(MiniRocket.fit(series, 2).biases());
  }

  @Test
  void transformsSeriesOfAnyLengthIncludingShorterThanTheKernel() {
    MiniRocket rocket = MiniRocket.fit(randomSeries(10, 200, 6), 0);
    for (int length : new int[] {1, 5, 9, 50, 400}) {
      float[] features = rocket.transform(randomSeries(1, length, length).get(0));
      assertThat(features).hasSize(rocket.features());
      for (float f : features) {
        assertThat(f).isBetween(0f, 1f);
      }
    }
  }

  @Test
  void refusesMissingValuesAndEmptySeriesWithAClearReason() {
    MiniRocket rocket = MiniRocket.fit(randomSeries(4, 30, 7), 0);
    assertThatThrownBy(() -> rocket.transform(new double[] {1, Double.NaN, 2}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("step 1 is NaN");
    assertThatThrownBy(() -> rocket.transform(new double[0]))
        .hasMessageContaining("empty series");
  }

  // --- the direct computation: one explicit weight vector per kernel, zero padding --------------

  private static final List<int[]> KERNEL_TWOS = new ArrayList<>();

  static {
    for (int a = 0; a < 9; a++) {
      for (int b = a + 1; b < 9; b++) {
        for (int c = b + 1; c < 9; c++) {
          KERNEL_TWOS.add(new int[] {a, b, c});
        }
      }
    }
  }

  private static double[] convolve(double[] x, int[] twos, int dilation) {
    double[] w = new double[9];
    java.util.Arrays.fill(w, -1);
    for (int i : twos) {
      w[i] = 2;
    }
    double[] out = new double[x.length];
    for (int t = 0; t < x.length; t++) {
      for (int j = 0; j < 9; j++) {
        int s = t + (j - 4) * dilation;
        if (s >= 0 && s < x.length) {
          out[t] += w[j] * x[s];
        }
      }
    }
    return out;
  }

  private static float[] direct(MiniRocket rocket, double[] x) {
    float[] biases = rocket.biases();
    int[] dilations = rocket.dilations();
    int[] perDilation = rocket.featuresPerDilation();
    float[] out = new float[biases.length];
    int feature = 0;
    for (int d = 0; d < dilations.length; d++) {
      int padding = 4 * dilations[d];
      for (int k = 0; k < 84; k++) {
        double[] c = convolve(x, KERNEL_TWOS.get(k), dilations[d]);
        boolean trimmed =
            rocket.alternatesPadding() && (d + k) % 2 == 1 && x.length > 2 * padding;
        int from = trimmed ? padding : 0;
        int to = trimmed ? x.length - padding : x.length;
        for (int f = 0; f < perDilation[d]; f++, feature++) {
          int positive = 0;
          for (int t = from; t < to; t++) {
            positive += (float) c[t] > biases[feature] ? 1 : 0; // compared as the reference does
          }
          out[feature] = positive / (float) (to - from);
        }
      }
    }
    return out;
  }

  static List<double[]> randomSeries(int count, int length, long seed) {
    Random random = new Random(seed);
    List<double[]> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      double[] x = new double[length];
      double level = 0;
      for (int t = 0; t < length; t++) {
        level += random.nextGaussian();
        x[t] = level;
      }
      out.add(x);
    }
    return out;
  }
}
