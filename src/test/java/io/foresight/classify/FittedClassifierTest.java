package io.foresight.classify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.foresight.minirocket.MiniRocket;
import io.foresight.minirocket.Standardizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The live classifier on frozen features: what it is fitted on, how it scores, how it travels. */
class FittedClassifierTest {

  private static final int LENGTH = 64;

  /** Windows of a sine ("wave") or of noise ("noise") around a level, four per entity. */
  private static final class Data {
    final List<double[]> values = new ArrayList<>();
    final List<String> labels = new ArrayList<>();
    final List<String> entities = new ArrayList<>();
    final List<float[]> embeddings = new ArrayList<>();

    Data(int entitiesPerClass, long seed) {
      Random random = new Random(seed);
      for (int e = 0; e < 2 * entitiesPerClass; e++) {
        boolean wave = e % 2 == 0;
        for (int w = 0; w < 4; w++) {
          double[] v = new double[LENGTH];
          double phase = random.nextDouble() * 6;
          for (int t = 0; t < LENGTH; t++) {
            v[t] = 10 + (wave ? 4 * Math.sin(t / 3.0 + phase) : 0) + random.nextGaussian();
          }
          values.add(v);
          labels.add(wave ? "wave" : "noise");
          entities.add("dev-" + e);
          float[] embedding = new float[6]; // a stand-in: weakly informative, mostly noise
          for (int j = 0; j < embedding.length; j++) {
            embedding[j] = (float) (random.nextGaussian() + (j == 0 && wave ? 0.5 : 0));
          }
          embeddings.add(embedding);
        }
      }
    }

    FittedClassifier fit(MiniRocket rocket) {
      return FittedClassifier.fit(
          rocket, rocket.transform(values), embeddings.toArray(float[][]::new), labels, entities);
    }
  }

  @Test
  void itSeparatesTheClassesOnWindowsItHasNotSeenAndSaysHowWellItDidOnThoseItHas() {
    Data train = new Data(4, 1);
    MiniRocket rocket = MiniRocket.fit(train.values, 0);
    FittedClassifier classifier = train.fit(rocket);

    assertThat(classifier.classes()).containsExactly("noise", "wave");
    assertThat(classifier.quality().crossValidation()).isEqualTo(FittedClassifier.LEAVE_ONE_ENTITY_OUT);
    assertThat(classifier.quality().labelledWindows()).isEqualTo(32);
    assertThat(classifier.quality().labelledEntities()).isEqualTo(8);
    assertThat(classifier.quality().crossValidatedAccuracy()).isGreaterThan(0.9);
    assertThat(classifier.temperature()).isPositive();

    Data test = new Data(4, 2);
    int correct = 0;
    for (int i = 0; i < test.values.size(); i++) {
      double[] p = classifier.probabilities(classifier.rocketFeatures(test.values.get(i)), test.embeddings.get(i));
      assertThat(Arrays.stream(p).sum()).isCloseTo(1.0, within(1e-9));
      int best = p[0] >= p[1] ? 0 : 1;
      correct += classifier.classes().get(best).equals(test.labels.get(i)) ? 1 : 0;
    }
    assertThat(correct).isGreaterThanOrEqualTo(30); // of 32
  }

  @Test
  void itScoresRawFeaturesExactlyAsTheProbeScoresStandardisedOnes() {
    Data train = new Data(3, 3);
    MiniRocket rocket = MiniRocket.fit(train.values, 0);
    float[][] features = rocket.transform(train.values);
    float[][] embeddings = train.embeddings.toArray(float[][]::new);
    FittedClassifier classifier =
        FittedClassifier.fit(rocket, features, embeddings, train.labels, train.entities);

    Standardizer rocketScale = Standardizer.of(features);
    Standardizer embeddingScale = Standardizer.of(embeddings);
    int[] y = train.labels.stream().mapToInt(l -> l.equals("noise") ? 0 : 1).toArray();
    int[] groups = train.entities.stream().mapToInt(e -> Integer.parseInt(e.substring(4))).toArray();
    CombinedProbe probe =
        CombinedProbe.fit(
            rocketScale.apply(features), embeddingScale.apply(embeddings),
            IntStream.range(0, y.length).boxed().toList(), y, groups, 2, 0);
    assertThat(classifier.quality().embeddingShare()).isEqualTo(probe.share());
    for (int i = 0; i < y.length; i++) {
      double[] standardised = concat(rocketScale.apply(features[i], 1), embeddingScale.apply(embeddings[i], 1));
      double[] expected = probe.linear().decision(standardised);
      double[] actual = classifier.decision(features[i], embeddings[i]);
      assertThat(actual[0]).isCloseTo(expected[0], within(1e-9));
      assertThat(actual[1]).isCloseTo(expected[1], within(1e-9));
    }
  }

  @Test
  void withOneEntityInAClassItLeavesOutWindowsAndWithOneClassThereIsNoClassifier() {
    Data data = new Data(1, 4);
    MiniRocket rocket = MiniRocket.fit(data.values, 0);
    assertThat(data.fit(rocket).quality().crossValidation()).isEqualTo(FittedClassifier.LEAVE_ONE_WINDOW_OUT);

    List<String> oneClass = data.labels.stream().map(l -> "wave").toList();
    assertThatThrownBy(
            () -> FittedClassifier.fit(
                rocket, rocket.transform(data.values), data.embeddings.toArray(float[][]::new), oneClass,
                data.entities))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("two classes");
  }

  @Test
  void encodedAndDecodedItGivesTheSameProbabilitiesBitForBit() {
    Data data = new Data(3, 5);
    MiniRocket rocket = MiniRocket.fit(data.values, 0);
    FittedClassifier classifier = data.fit(rocket);
    FittedClassifier copy = FittedClassifierCodec.decode(FittedClassifierCodec.encode(classifier));

    assertThat(copy.classes()).isEqualTo(classifier.classes());
    assertThat(copy.quality()).isEqualTo(classifier.quality());
    assertThat(copy.temperature()).isEqualTo(classifier.temperature());
    for (int i = 0; i < data.values.size(); i++) {
      double[] v = data.values.get(i);
      assertThat(copy.probabilities(copy.rocketFeatures(v), data.embeddings.get(i)))
          .containsExactly(classifier.probabilities(classifier.rocketFeatures(v), data.embeddings.get(i)));
    }
  }

  @Test
  void damagedOrHostileBytesAreRefusedWithAReasonBeforeAnythingLargeIsAllocated() {
    Data data = new Data(2, 6);
    byte[] bytes = FittedClassifierCodec.encode(data.fit(MiniRocket.fit(data.values, 0)));
    assertThatThrownBy(() -> FittedClassifierCodec.decode(Arrays.copyOf(bytes, bytes.length - 9)))
        .isInstanceOf(IllegalArgumentException.class);
    byte[] longer = Arrays.copyOf(bytes, bytes.length + 3);
    assertThatThrownBy(() -> FittedClassifierCodec.decode(longer))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unexpected bytes");
    // 65,535 classes and a 2^31-wide embedding claimed in a few bytes.
    java.nio.ByteBuffer hostile = java.nio.ByteBuffer.allocate(64);
    hostile.putShort((short) 2).putShort((short) 1).put((byte) 'a').putShort((short) 1).put((byte) 'b');
    hostile.putDouble(1).putShort((short) 0).putInt(2).putInt(2).putDouble(0).putDouble(1);
    hostile.putInt(Integer.MAX_VALUE).put((byte) 1);
    assertThatThrownBy(() -> FittedClassifierCodec.decode(Arrays.copyOf(hostile.array(), hostile.position())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not fit");
  }

  @Test
  void theTemperatureMakesHeldOutScoresLikelierThanTheRawOnes() {
    double[][] decisions = {{0.3, -0.3}, {0.2, -0.2}, {-0.25, 0.25}, {-0.1, 0.1}, {0.1, -0.1}};
    int[] labels = {0, 0, 1, 1, 1};
    double t = Calibration.temperature(decisions, labels, 50);
    assertThat(Calibration.nll(decisions, labels, t)).isLessThan(Calibration.nll(decisions, labels, 1));
    assertThat(Calibration.nll(decisions, labels, t)).isLessThanOrEqualTo(Calibration.nll(decisions, labels, t * 1.1));
    assertThat(Calibration.nll(decisions, labels, t)).isLessThanOrEqualTo(Calibration.nll(decisions, labels, t / 1.1));
  }

  private static double[] concat(double[] a, double[] b) {
    double[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
