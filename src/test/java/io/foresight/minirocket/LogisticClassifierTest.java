package io.foresight.minirocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class LogisticClassifierTest {

  @Test
  void separatesThreeGaussianClassesAndEstimatesItsAccuracyOnHeldOutRows() {
    Random random = new Random(1);
    int n = 600;
    double[][] x = new double[n][20];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = i % 3;
      for (int j = 0; j < 20; j++) {
        x[i][j] = random.nextGaussian() + (j == labels[i] ? 3 : 0);
      }
    }
    LogisticClassifier fitted = LogisticClassifier.fit(x, labels, 3, 0);
    int correct = 0;
    for (int i = 0; i < 300; i++) {
      int label = i % 3;
      double[] row = new double[20];
      for (int j = 0; j < 20; j++) {
        row[j] = random.nextGaussian() + (j == label ? 3 : 0);
      }
      correct += fitted.predict(row) == label ? 1 : 0;
    }
    assertThat(correct / 300.0).isGreaterThan(0.9);
    assertThat(fitted.crossValidatedAccuracy()).isGreaterThan(0.85);
  }
}
