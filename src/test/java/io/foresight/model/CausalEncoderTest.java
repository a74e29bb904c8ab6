package io.foresight.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SingleCpuThread.class) // also turns gradients off, as inference does
class CausalEncoderTest {

  // Receptive field 1 + 2 * 2 * 15 = 61 steps: long enough that a leak across k would show.
  private static final ModelConfig CONFIG = new ModelConfig(Encoder.CAUSAL_CNN, 8, 4, 3, 16, 0);
  private static final Tokenizer TOKENIZER = Tokenizer.integer(41);
  private static final int LENGTH = 64;
  private static final int C = CONFIG.channels();

  @Test
  void featuresBeforeAStepNeverDependOnThatStepOrLaterOnes() {
    int k = 40;
    Random random = new Random(1);
    int[] ids = randomIds(random, LENGTH);
    int[] changed = ids.clone();
    for (int t = k; t < LENGTH; t++) {
      changed[t] = (ids[t] + 1 + random.nextInt(40)) % 41;
    }
    try (ForesightNet net = ForesightNet.create(CONFIG, TOKENIZER);
        NDManager scope = net.manager().newSubManager()) {
      float[][] before = perPosition(features(net, scope, ids), LENGTH);
      float[][] after = perPosition(features(net, scope, changed), LENGTH);
      for (int t = 0; t < k; t++) {
        // Bit-identical: the future must not enter the arithmetic at all, not merely a little.
        assertThat(after[t]).as("position %d", t).containsExactly(before[t]);
      }
      boolean anyLaterDiffers = false;
      for (int t = k; t < LENGTH; t++) {
        anyLaterDiffers |= !Arrays.equals(before[t], after[t]);
      }
      // Otherwise the test would pass for an encoder that ignores its input.
      assertThat(anyLaterDiffers).isTrue();
    }
  }

  @Test
  void featuresOfAStepChangeWhenAnEarlierStepInsideTheReceptiveFieldChanges() {
    // The other half of causality: the past does reach a step.
    Random random = new Random(2);
    int[] ids = randomIds(random, LENGTH);
    int[] changed = ids.clone();
    changed[10] = (ids[10] + 5) % 41;
    try (ForesightNet net = ForesightNet.create(CONFIG, TOKENIZER);
        NDManager scope = net.manager().newSubManager()) {
      float[][] before = perPosition(features(net, scope, ids), LENGTH);
      float[][] after = perPosition(features(net, scope, changed), LENGTH);
      for (int t = 0; t < 10; t++) {
        assertThat(after[t]).containsExactly(before[t]);
      }
      assertThat(after[10]).isNotEqualTo(before[10]);
      assertThat(after[50]).isNotEqualTo(before[50]);
    }
  }

  @Test
  void aStepReachesExactlyTheReceptiveFieldTheConfigStates() {
    // Blocks 4, kernel 3: 1 + 2 * 2 * (2^4 - 1) = 61 steps, so step 0 reaches position 60 and no further.
    int field = CONFIG.receptiveField();
    assertThat(field).isEqualTo(61);
    Random random = new Random(6);
    int[] ids = randomIds(random, LENGTH);
    int[] changed = ids.clone();
    changed[0] = (ids[0] + 17) % 41;
    try (ForesightNet net = ForesightNet.create(CONFIG, TOKENIZER);
        NDManager scope = net.manager().newSubManager()) {
      float[][] before = perPosition(features(net, scope, ids), LENGTH);
      float[][] after = perPosition(features(net, scope, changed), LENGTH);
      assertThat(after[field - 1]).isNotEqualTo(before[field - 1]);
      for (int t = field; t < LENGTH; t++) {
        assertThat(after[t]).as("position %d", t).containsExactly(before[t]);
      }
    }
  }

  @Test
  void paddingAtTheEndOfAShorterRowDoesNotChangeItsRealSteps() {
    Random random = new Random(3);
    int shortLength = 37;
    int[] shortIds = randomIds(random, shortLength);
    int[] longIds = randomIds(random, LENGTH);
    int[] batch = new int[2 * LENGTH];
    System.arraycopy(longIds, 0, batch, 0, LENGTH);
    Arrays.fill(batch, LENGTH, 2 * LENGTH, TOKENIZER.padId());
    System.arraycopy(shortIds, 0, batch, LENGTH, shortLength);
    try (ForesightNet net = ForesightNet.create(CONFIG, TOKENIZER);
        NDManager scope = net.manager().newSubManager()) {
      float[] alone = features(net, scope, shortIds, new Shape(1, shortLength)).toFloatArray();
      NDArray batched = features(net, scope, batch, new Shape(2, LENGTH));
      assertThat(batched.getShape()).isEqualTo(new Shape(2, C, LENGTH));
      float[] inBatch = batched.get("1, :, :" + shortLength).toFloatArray();
      assertThat(inBatch).containsExactly(alone, within(1e-5f));
      // The longer row is unaffected by its neighbour as well.
      float[] longAlone = features(net, scope, longIds, new Shape(1, LENGTH)).toFloatArray();
      assertThat(batched.get("0").toFloatArray()).containsExactly(longAlone, within(1e-5f));
    }
  }

  @Test
  void poolingIgnoresPaddedStepsAndYieldsTheEmbeddingWidth() {
    Random random = new Random(4);
    int shortLength = 23;
    int[] shortIds = randomIds(random, shortLength);
    int[] batch = new int[2 * LENGTH];
    System.arraycopy(randomIds(random, LENGTH), 0, batch, 0, LENGTH);
    Arrays.fill(batch, LENGTH, 2 * LENGTH, TOKENIZER.padId());
    System.arraycopy(shortIds, 0, batch, LENGTH, shortLength);
    float[] mask = new float[2 * LENGTH];
    Arrays.fill(mask, 0, LENGTH + shortLength, 1f);
    try (ForesightNet net = ForesightNet.create(CONFIG, TOKENIZER);
        NDManager scope = net.manager().newSubManager()) {
      NDArray aloneFeatures = features(net, scope, shortIds, new Shape(1, shortLength));
      NDArray alone =
          ForesightNet.pool(aloneFeatures, scope.ones(new Shape(1, shortLength)));
      NDArray pooled =
          ForesightNet.pool(
              features(net, scope, batch, new Shape(2, LENGTH)),
              scope.create(mask, new Shape(2, LENGTH)));
      assertThat(pooled.getShape()).isEqualTo(new Shape(2, CONFIG.embeddingDim()));
      assertThat(alone.getShape()).isEqualTo(new Shape(1, CONFIG.embeddingDim()));
      assertThat(pooled.get("1").toFloatArray()).containsExactly(alone.toFloatArray(), within(1e-5f));

      // The halves are the mean and the max over the real steps only.
      float[][] steps = perPosition(aloneFeatures, shortLength);
      float[] expected = new float[2 * C];
      for (int c = 0; c < C; c++) {
        double sum = 0;
        float max = Float.NEGATIVE_INFINITY;
        for (int t = 0; t < shortLength; t++) {
          sum += steps[t][c];
          max = Math.max(max, steps[t][c]);
        }
        expected[c] = (float) (sum / shortLength);
        expected[C + c] = max;
      }
      assertThat(alone.toFloatArray()).containsExactly(expected, within(1e-5f));
    }
  }

  @Test
  void headsHaveTheDocumentedShapes() {
    try (ForesightNet net = ForesightNet.create(CONFIG.withClasses(3), TOKENIZER);
        NDManager scope = net.manager().newSubManager()) {
      ParameterStore store = new ParameterStore(net.manager(), false);
      NDArray features = features(net, scope, randomIds(new Random(5), 20), new Shape(1, 20));
      assertThat(net.nextLogits(store, features, false).getShape()).isEqualTo(new Shape(1, 20, 41));
      NDArray embedding = ForesightNet.pool(features, scope.ones(new Shape(1, 20)));
      assertThat(net.classLogits(store, embedding, false).getShape()).isEqualTo(new Shape(1, 3));
      assertThat(net.projection(store, embedding, false).getShape()).isEqualTo(new Shape(1, 16));
    }
  }

  private static int[] randomIds(Random random, int length) {
    int[] ids = new int[length];
    for (int t = 0; t < length; t++) {
      ids[t] = random.nextInt(41);
    }
    return ids;
  }

  private static NDArray features(ForesightNet net, NDManager scope, int[] ids) {
    return features(net, scope, ids, new Shape(1, ids.length));
  }

  /** Runs the encoder on class ids, with the integer tokenizer's continuous inputs beside them. */
  private static NDArray features(ForesightNet net, NDManager scope, int[] ids, Shape shape) {
    float[] inputs = new float[ids.length];
    for (int i = 0; i < ids.length; i++) {
      inputs[i] = ids[i] == TOKENIZER.padId() ? 0f : ids[i] / 40f;
    }
    return net.features(
        new ParameterStore(net.manager(), false),
        scope.create(ids, shape),
        scope.create(inputs, shape),
        false);
  }

  /** (1, C, L) features as L vectors of C. */
  private static float[][] perPosition(NDArray features, int length) {
    float[] flat = features.toFloatArray();
    float[][] out = new float[length][C];
    for (int c = 0; c < C; c++) {
      for (int t = 0; t < length; t++) {
        out[t][c] = flat[c * length + t];
      }
    }
    return out;
  }
}
