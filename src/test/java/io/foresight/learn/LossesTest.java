package io.foresight.learn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.foresight.model.Devices;
import io.foresight.model.ForesightNet;
import io.foresight.model.Encoder;
import io.foresight.model.ModelConfig;
import io.foresight.model.SingleCpuThread;
import io.foresight.model.Tokenizer;
import io.foresight.model.Tokenizer.Tokens;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The pretext losses and the padded batches they read. */
@ExtendWith(SingleCpuThread.class)
class LossesTest {

  private static final Tokenizer TOKENIZER = Tokenizer.integer(41);
  private static final int PAD = TOKENIZER.padId();
  private static final float TEMPERATURE = 0.5f;

  private static NDManager manager;

  @BeforeAll
  static void engine() {
    manager = NDManager.newBaseManager(Devices.preferred());
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  @Test
  void aGapIsNoNextStepTarget() {
    int mask = TOKENIZER.maskId();
    PaddedBatch batch = PaddedBatch.of(List.of(tokens(1, 2, mask, 4, 5)), PAD);
    // The step before the gap has nothing to predict; the gap itself predicts 4.
    assertThat(batch.nextWeights()).containsExactly(1, 0, 1, 1, 0);
  }

  // ---- hierarchical contrast ----

  @Test
  void hierarchicalContrastOfFeaturelessViewsIsTheLogOfTheNegativesAtEveryScale() {
    // All similarities equal: each row is a uniform guess among 2N - 1 (instances) or 2T - 1 (steps).
    NDArray zeros = manager.zeros(new Shape(3, 4, 5));
    double expected =
        (0.5 * Math.log(5) + 0.5 * Math.log(7) // T = 4
                + 0.5 * Math.log(5) + 0.5 * Math.log(3) // pooled to T = 2
                + 0.5 * Math.log(5)) // pooled to T = 1: instances only
            / 3;
    assertThat(Losses.hierarchicalContrast(zeros, zeros).getFloat()).isCloseTo((float) expected, within(1e-4f));
  }

  @Test
  void hierarchicalContrastIsNearZeroWhenEverySeriesAndStepIsItsOwnDirectionInBothViews() {
    int n = 3;
    int t = 4;
    float[] values = new float[n * t * n * t];
    for (int i = 0; i < n; i++) {
      for (int s = 0; s < t; s++) {
        values[(i * t + s) * n * t + i * t + s] = 10; // a one-hot direction per (series, step)
      }
    }
    NDArray a = manager.create(values, new Shape(n, t, n * t));
    assertThat(Losses.hierarchicalContrast(a, a.duplicate()).getFloat()).isLessThan(1e-3f);
    // The second view of another series' steps: positives are now strangers, the loss is high.
    NDArray shuffled = a.get("1:3").concat(a.get("0:1"), 0);
    assertThat(Losses.hierarchicalContrast(a, shuffled).getFloat()).isGreaterThan(10f);
  }

  @Test
  void cropPairViewsShareTheOverlapStepsWhereNeitherIsMasked() {
    Random random = new Random(4);
    long masked = 0;
    long steps = 0;
    for (int trial = 0; trial < 50; trial++) {
      int[] ids1 = new int[40 + random.nextInt(30)];
      int[] ids2 = new int[40 + random.nextInt(30)];
      for (int i = 0; i < ids1.length; i++) {
        ids1[i] = i % 41;
      }
      for (int i = 0; i < ids2.length; i++) {
        ids2[i] = (3 * i) % 41;
      }
      CropPair pair = CropPair.build(List.of(tokens(ids1), tokens(ids2)), TOKENIZER, random);
      assertThat(pair.overlap()).isBetween(2, Math.min(ids1.length, ids2.length));
      assertThat(pair.first().length()).isGreaterThanOrEqualTo(pair.firstOffset() + pair.overlap());
      assertThat(pair.second().length()).isGreaterThanOrEqualTo(pair.overlap());
      assertThat(pair.first().mask()).containsOnly(1f); // same length per view: no padding
      int mask = TOKENIZER.maskId();
      for (int row = 0; row < 2; row++) {
        for (int s = 0; s < pair.overlap(); s++) {
          int x = pair.first().ids()[row * pair.first().length() + pair.firstOffset() + s];
          int y = pair.second().ids()[row * pair.second().length() + s];
          if (x != mask && y != mask) {
            assertThat(x).isEqualTo(y);
          }
        }
      }
      for (int id : pair.first().ids()) {
        masked += id == mask ? 1 : 0;
        steps++;
      }
    }
    assertThat(masked / (double) steps).isBetween(0.45, 0.55);
  }

  // ---- PaddedBatch ----

  @Test
  void paddedBatchPadsShorterSeriesWithPadIdAndMasksThePadding() {
    Tokens a = tokens(5, 6, 7);
    Tokens b = tokens(1, 2, 3, 4, 9);
    Tokens c = tokens(8);
    PaddedBatch batch = PaddedBatch.of(List.of(a, b, c), PAD);

    assertThat(batch.size()).isEqualTo(3);
    assertThat(batch.length()).isEqualTo(5);
    assertThat(batch.ids()).containsExactly(5, 6, 7, PAD, PAD, 1, 2, 3, 4, 9, 8, PAD, PAD, PAD, PAD);
    assertThat(batch.inputs())
        .containsExactly(a.inputs()[0], a.inputs()[1], a.inputs()[2], 0, 0,
            b.inputs()[0], b.inputs()[1], b.inputs()[2], b.inputs()[3], b.inputs()[4],
            c.inputs()[0], 0, 0, 0, 0);
    assertThat(batch.mask()).containsExactly(1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0);
    // Each step's target is the following step; the last real step has none, so its weight is 0.
    assertThat(batch.nextTargets()).containsExactly(6, 7, 0, 0, 0, 2, 3, 4, 9, 0, 0, 0, 0, 0, 0);
    assertThat(batch.nextWeights()).containsExactly(1, 1, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0);
  }

  @Test
  void paddedBatchArraysHaveTheBatchShape() {
    PaddedBatch batch = PaddedBatch.of(List.of(tokens(1, 2), tokens(3, 4, 5)), PAD);
    try (NDManager scope = manager.newSubManager()) {
      assertThat(batch.ids(scope).getShape()).isEqualTo(new Shape(2, 3));
      assertThat(batch.nextTargets(scope).getDataType()).isEqualTo(DataType.INT64);
      assertThat(batch.mask(scope).toFloatArray()).containsExactly(1, 1, 0, 1, 1, 1);
    }
  }

  // ---- next-step loss over padding ----

  @Test
  void nextStepLossIgnoresLogitsWherePaddingOrNoNextStepIs() {
    PaddedBatch batch = PaddedBatch.of(List.of(randomTokens(new Random(1), 7), randomTokens(new Random(2), 12)), PAD);
    int v = TOKENIZER.vocabulary();
    float[] logits = randomFloats(new Random(3), batch.size() * batch.length() * v);
    float[] scrambled = logits.clone();
    for (int i = 0; i < batch.size() * batch.length(); i++) {
      if (batch.nextWeights()[i] == 0) {
        for (int k = 0; k < v; k++) {
          scrambled[i * v + k] = 100f * (k % 7) - 300f;
        }
      }
    }
    try (NDManager scope = manager.newSubManager()) {
      Shape shape = new Shape(batch.size(), batch.length(), v);
      float loss = nextStepLoss(scope, logits, shape, batch);
      float lossScrambled = nextStepLoss(scope, scrambled, shape, batch);
      assertThat(lossScrambled).isEqualTo(loss);
      // And the loss does read the real steps: scrambling one of them changes it.
      scrambled[2 * v] += 5f;
      assertThat(nextStepLoss(scope, scrambled, shape, batch)).isNotEqualTo(loss);
    }
  }

  @Test
  void weightedMeanOfStepNllIsTheAverageNllOfTheWeightedSteps() {
    // Uniform logits: every step costs log V, so the weighted mean is exactly log V.
    PaddedBatch batch = PaddedBatch.of(List.of(tokens(1, 2, 3), tokens(4, 5, 6, 7, 8, 9)), PAD);
    try (NDManager scope = manager.newSubManager()) {
      NDArray logits = scope.zeros(new Shape(2, 6, 41));
      NDArray nll = Losses.stepNll(logits, batch.nextTargets(scope));
      assertThat(nll.getShape()).isEqualTo(new Shape(2, 6));
      assertThat(Losses.weightedMean(nll, batch.nextWeights(scope)).getFloat())
          .isCloseTo((float) Math.log(41), within(1e-5f));
      // Nothing weighted: 0, not NaN.
      assertThat(Losses.weightedMean(nll, scope.zeros(new Shape(2, 6))).getFloat()).isZero();
    }
  }

  @Test
  void paddedBatchNextStepLossEqualsTheStepWeightedMeanOfEachSeriesAlone() {
    Tokens shorter = randomTokens(new Random(4), 30);
    Tokens longer = randomTokens(new Random(5), 50);
    TrainingOptions options = TrainingOptions.defaults();
    try (ForesightNet net =
            ForesightNet.create(new ModelConfig(Encoder.CAUSAL_CNN, 8, 3, 3, 16, 0), TOKENIZER);
        NDManager scope = net.manager().newSubManager()) {
      ParameterStore store = new ParameterStore(net.manager(), false);
      float together = plainLoss(net, List.of(shorter, longer), options, scope, store);
      float aloneShort = plainLoss(net, List.of(shorter), options, scope, store);
      float aloneLong = plainLoss(net, List.of(longer), options, scope, store);
      // 29 and 49 steps have a next step; padding adds nothing to either sum or count.
      double expected = (29 * aloneShort + 49 * aloneLong) / 78.0;
      assertThat((double) together).isCloseTo(expected, within(1e-5 * expected));
      // Guard against a vacuous pass: the two series really differ in loss.
      assertThat(Math.abs(aloneShort - aloneLong)).isGreaterThan(1e-4f);
    }
  }

  // ---- InfoNCE ----

  @Test
  void infoNceOfIdenticalRowsEverywhereIsLogOfTwoNMinusOne() {
    // Every similarity equals every other: each row's positive is one of 2N - 1 equal choices.
    int n = 6;
    try (NDManager scope = manager.newSubManager()) {
      NDArray same = scope.ones(new Shape(n, 4)).mul(scope.create(new float[] {1, -2, 3, 0.5f}));
      float loss = Losses.infoNce(same, same, TEMPERATURE).getFloat();
      assertThat((double) loss).isCloseTo(Math.log(2 * n - 1), within(1e-4));
    }
  }

  @Test
  void infoNceHasTheClosedFormForAlignedAndOpposedOrthogonalViews() {
    // Rows of a are orthonormal; negatives then have similarity 0 and the positive +-1 / temperature.
    int n = 5;
    try (NDManager scope = manager.newSubManager()) {
      NDArray a = scope.eye(n, 8, 0, DataType.FLOAT32);
      double negatives = 2 * n - 2;
      double aligned = Math.log(1 + negatives * Math.exp(-1 / TEMPERATURE));
      double opposed = Math.log(1 + negatives * Math.exp(1 / TEMPERATURE));
      assertThat((double) Losses.infoNce(a, a, TEMPERATURE).getFloat()).isCloseTo(aligned, within(1e-4));
      assertThat((double) Losses.infoNce(a, a.neg(), TEMPERATURE).getFloat())
          .isCloseTo(opposed, within(1e-4));
      // Chance level lies between them.
      assertThat(aligned).isLessThan(Math.log(2 * n - 1)).isLessThan(opposed);
    }
  }

  @Test
  void infoNceIsLowerForIdenticalViewsThanForRandomOnesAndIgnoresScale() {
    int n = 8;
    try (NDManager scope = manager.newSubManager()) {
      NDArray a = scope.create(randomFloats(new Random(6), n * 16), new Shape(n, 16));
      NDArray b = scope.create(randomFloats(new Random(7), n * 16), new Shape(n, 16));
      float identical = Losses.infoNce(a, a, TEMPERATURE).getFloat();
      float random = Losses.infoNce(a, b, TEMPERATURE).getFloat();
      assertThat(identical).isLessThan(random);
      // Cosine similarity: scaling a view changes nothing.
      assertThat(Losses.infoNce(a.mul(7f), b, TEMPERATURE).getFloat()).isCloseTo(random, within(1e-4f));
    }
  }

  @Test
  void classificationIsTheMeanCrossEntropy() {
    try (NDManager scope = manager.newSubManager()) {
      NDArray logits = scope.create(new float[] {0, 0, 2, 0}, new Shape(2, 2));
      NDArray labels = scope.create(new long[] {1, 0});
      double expected = (Math.log(2) + Math.log(1 + Math.exp(-2))) / 2;
      assertThat((double) Losses.classification(logits, labels).getFloat()).isCloseTo(expected, within(1e-5));
    }
  }

  @Test
  void smoothedClassificationPutsEpsilonEvenlyOverTheClassesAndHasAFiniteOptimum() {
    try (NDManager scope = manager.newSubManager()) {
      NDArray logits = scope.create(new float[] {0, 0, 2, 0}, new Shape(2, 2));
      NDArray labels = scope.create(new long[] {1, 0});
      float epsilon = 0.1f;
      // Row 1: p = (1/2, 1/2). Row 2: p = (e^2, 1)/(e^2 + 1), label 0.
      double lse = Math.log(Math.exp(2) + 1);
      double row1 = Math.log(2);
      double row2 = (1 - epsilon) * (lse - 2) + epsilon * ((lse - 2) + lse) / 2;
      assertThat((double) Losses.smoothedClassification(logits, labels, epsilon).getFloat())
          .isCloseTo((row1 + row2) / 2, within(1e-5));
      // Two classes, label 0: the loss is least at the logit gap log((1 - eps/2) / (eps/2)), not beyond.
      double best = Math.log((1 - epsilon / 2) / (epsilon / 2));
      float atBest = smoothedTwoClass(scope, best, epsilon);
      assertThat(smoothedTwoClass(scope, best + 1, epsilon)).isGreaterThan(atBest);
      assertThat(smoothedTwoClass(scope, best - 1, epsilon)).isGreaterThan(atBest);
    }
  }

  // ---- helpers ----

  private static float smoothedTwoClass(NDManager scope, double gap, float epsilon) {
    NDArray logits = scope.create(new float[] {(float) gap, 0}, new Shape(1, 2));
    return Losses.smoothedClassification(logits, scope.create(new long[] {0}), epsilon).getFloat();
  }

  private static float nextStepLoss(NDManager scope, float[] logits, Shape shape, PaddedBatch batch) {
    NDArray nll = Losses.stepNll(scope.create(logits, shape), batch.nextTargets(scope));
    return Losses.weightedMean(nll, batch.nextWeights(scope)).getFloat();
  }

  /** The next-step objective's loss on the plain view of exactly these series. */
  private static float plainLoss(
      ForesightNet net, List<Tokens> series, TrainingOptions options, NDManager scope, ParameterStore store) {
    PretextBatch batch = new PretextBatch(PaddedBatch.of(series, PAD), null, null, null, null);
    return Pretrainer.loss(net, batch, Objective.NEXT_STEP, options, scope, store).getFloat();
  }

  static Tokens tokens(int... ids) {
    float[] inputs = new float[ids.length];
    for (int t = 0; t < ids.length; t++) {
      inputs[t] = ids[t] / 40f;
    }
    return new Tokens(ids, inputs, 40, 0);
  }

  static Tokens randomTokens(Random random, int length) {
    int[] ids = new int[length];
    for (int t = 0; t < length; t++) {
      ids[t] = random.nextInt(41);
    }
    return tokens(ids);
  }

  private static float[] randomFloats(Random random, int n) {
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = (float) random.nextGaussian();
    }
    return out;
  }
}
