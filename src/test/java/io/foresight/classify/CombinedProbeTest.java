package io.foresight.classify;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Rows here are drawn with unit spread, as the standardised blocks the probe is given. */
class CombinedProbeTest {

  private static final int N = 60;

  @Test
  void theLabelsDecideWhichFeaturesCount() {
    Random random = new Random(2);
    int[] labels = new int[N];
    double[][] informative = new double[N][];
    double[][] noise = new double[N][];
    double[][] wideNoise = new double[N][];
    double[][] wideInformative = new double[N][];
    for (int i = 0; i < N; i++) {
      labels[i] = i % 2;
      informative[i] = row(random, 16, labels[i], 2.0);
      noise[i] = row(random, 16, labels[i], 0);
      wideNoise[i] = row(random, 2000, labels[i], 0);
      wideInformative[i] = row(random, 2000, labels[i], 0.3);
    }
    List<Integer> firstHalf = new ArrayList<>();
    int[] firstLabels = new int[N / 2];
    for (int i = 0; i < N / 2; i++) {
      firstHalf.add(i);
      firstLabels[i] = labels[i];
    }

    // The embedding carries the class and 2,000 other features are noise: the embedding must count.
    CombinedProbe embeddingWins =
        CombinedProbe.fit(wideNoise, informative, firstHalf, firstLabels, 2, 0);
    assertThat(embeddingWins.share()).isGreaterThan(0);
    assertThat(accuracy(embeddingWins, wideNoise, informative, labels)).isGreaterThan(0.9);

    // The other way round: the wide block carries it and the embedding is noise.
    CombinedProbe rocketWins =
        CombinedProbe.fit(wideInformative, noise, firstHalf, firstLabels, 2, 0);
    assertThat(rocketWins.share()).isLessThan(Double.POSITIVE_INFINITY);
    assertThat(accuracy(rocketWins, wideInformative, noise, labels)).isGreaterThan(0.9);
  }

  @Test
  void withOneLabelledSeriesInAClassThePriorShareIsUsed() {
    Random random = new Random(3);
    double[][] a = new double[N][];
    double[][] b = new double[N][];
    for (int i = 0; i < N; i++) {
      a[i] = row(random, 100, i % 2, 1);
      b[i] = row(random, 8, i % 2, 1);
    }
    CombinedProbe probe = CombinedProbe.fit(a, b, List.of(0, 1, 3), new int[] {0, 1, 1}, 2, 0);
    assertThat(probe.share()).isEqualTo(CombinedProbe.PRIOR_SHARE);
  }

  private static double accuracy(CombinedProbe probe, double[][] a, double[][] b, int[] labels) {
    int correct = 0;
    for (int i = N / 2; i < N; i++) {
      correct += probe.predict(a[i], b[i]) == labels[i] ? 1 : 0;
    }
    return correct / (N / 2.0);
  }

  private static double[] row(Random random, int dims, int label, double signal) {
    double[] out = new double[dims];
    for (int j = 0; j < dims; j++) {
      out[j] = random.nextGaussian() + (label == 1 ? signal : -signal);
    }
    return out;
  }
}
