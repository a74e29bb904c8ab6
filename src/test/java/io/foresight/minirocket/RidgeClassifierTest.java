package io.foresight.minirocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class RidgeClassifierTest {

  @Test
  void leaveOneOutErrorEqualsRefittingWithoutEachRow() {
    Random random = new Random(3);
    int n = 12;
    int p = 30;
    int classes = 3;
    double[][] x = new double[n][p];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = i % classes;
      for (int j = 0; j < p; j++) {
        x[i][j] = random.nextGaussian() + (j == labels[i] ? 2 : 0);
      }
    }
    RidgeClassifier all = RidgeClassifier.fit(x, labels, classes);
    double alpha = all.alpha();
    // Refit on n - 1 rows at the same alpha and measure the squared error on the row left out.
    double error = 0;
    int correct = 0;
    for (int left = 0; left < n; left++) {
      double[][] rest = new double[n - 1][];
      int[] restLabels = new int[n - 1];
      for (int i = 0, r = 0; i < n; i++) {
        if (i != left) {
          rest[r] = x[i];
          restLabels[r++] = labels[i];
        }
      }
      RidgeClassifier without = RidgeClassifier.fit(rest, restLabels, classes, null, new double[] {alpha});
      double[] scores = without.decision(x[left]);
      for (int c = 0; c < classes; c++) {
        double target = labels[left] == c ? 1 : -1;
        error += (target - scores[c]) * (target - scores[c]) / (n * classes);
      }
      correct += without.predict(x[left]) == labels[left] ? 1 : 0;
    }
    assertThat(all.looError()).isCloseTo(error, within(1e-6));
    assertThat(all.crossValidatedAccuracy()).isEqualTo(correct / (double) n);
  }

  @Test
  void leaveOneGroupOutEqualsRefittingWithoutEachGroup() {
    Random random = new Random(4);
    int n = 18;
    int classes = 2;
    double[][] x = new double[n][25];
    int[] labels = new int[n];
    int[] groups = new int[n];
    for (int i = 0; i < n; i++) {
      groups[i] = i / 3; // six groups of three rows, each group one class
      labels[i] = groups[i] % classes;
      for (int j = 0; j < 25; j++) {
        x[i][j] = random.nextGaussian() + (j < 3 && labels[i] == 1 ? 1.5 : 0) + groups[i] * 0.1;
      }
    }
    RidgeClassifier all = RidgeClassifier.fit(x, labels, classes, groups, RidgeClassifier.ALPHAS);
    double alpha = all.alpha();
    double error = 0;
    int correct = 0;
    for (int left = 0; left < n / 3; left++) {
      int g = left;
      double[][] rest = java.util.stream.IntStream.range(0, n).filter(i -> groups[i] != g)
          .mapToObj(i -> x[i]).toArray(double[][]::new);
      int[] restLabels = java.util.stream.IntStream.range(0, n).filter(i -> groups[i] != g)
          .map(i -> labels[i]).toArray();
      RidgeClassifier without = RidgeClassifier.fit(rest, restLabels, classes, null, new double[] {alpha});
      for (int i = 0; i < n; i++) {
        if (groups[i] != g) {
          continue;
        }
        double[] scores = without.decision(x[i]);
        for (int c = 0; c < classes; c++) {
          double target = labels[i] == c ? 1 : -1;
          error += (target - scores[c]) * (target - scores[c]) / (n * classes);
        }
        correct += without.predict(x[i]) == labels[i] ? 1 : 0;
      }
    }
    assertThat(all.looError()).isCloseTo(error, within(1e-6));
    assertThat(all.crossValidatedAccuracy()).isEqualTo(correct / (double) n);
  }

  @Test
  void theGramMatrixEqualsTheGeneralProductForEveryRowCount() {
    Random random = new Random(6);
    for (int n : new int[] {1, 2, 3, 4, 5, 7, 13}) {
      org.ejml.data.DMatrixRMaj x = org.ejml.dense.row.RandomMatrices_DDRM.rectangle(n, 11, random);
      org.ejml.data.DMatrixRMaj expected = new org.ejml.data.DMatrixRMaj(n, n);
      org.ejml.dense.row.CommonOps_DDRM.multTransB(x, x, expected);
      assertThat(RidgeClassifier.gram(x).data).as("n = %d", n).containsExactly(expected.data, within(1e-12));
    }
  }

  @Test
  void noiseIsRegularisedMoreThanAClearSignalAndItsEstimateStaysNearChance() {
    Random random = new Random(5);
    int n = 40;
    double[][] noise = new double[n][200];
    double[][] signal = new double[n][200];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = random.nextInt(2);
      for (int j = 0; j < 200; j++) {
        noise[i][j] = random.nextGaussian();
        signal[i][j] = random.nextGaussian() * 0.05 + (labels[i] == 1 ? 1 : -1);
      }
    }
    RidgeClassifier noisy = RidgeClassifier.fit(noise, labels, 2);
    RidgeClassifier clear = RidgeClassifier.fit(signal, labels, 2);
    assertThat(noisy.alpha()).isGreaterThan(clear.alpha());
    assertThat(noisy.crossValidatedAccuracy()).isLessThan(0.75);
    assertThat(clear.crossValidatedAccuracy()).isEqualTo(1.0);
  }
}
