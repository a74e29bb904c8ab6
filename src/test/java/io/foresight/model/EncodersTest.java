package io.foresight.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The three encoders on ragged batches, and the LSTM's causality. */
@ExtendWith(SingleCpuThread.class)
class EncodersTest {

  private static final Tokenizer TOKENIZER = Tokenizer.integer(41);

  private static ModelConfig small(Encoder encoder) {
    return encoder == Encoder.LSTM
        ? new ModelConfig(encoder, 16, 1, 3, 8, 0)
        : new ModelConfig(encoder, 8, 2, 3, 8, 0);
  }

  @ParameterizedTest
  @EnumSource(Encoder.class)
  void raggedBatchesGiveFeaturesPerStepAndOneEmbeddingPerSeriesThatPaddingDoesNotChange(
      Encoder encoder) {
    ModelConfig config = small(encoder);
    Random random = new Random(4);
    int[] shortIds = randomIds(random, 30);
    int[] longIds = randomIds(random, 50);
    int[] batch = new int[2 * 50];
    Arrays.fill(batch, TOKENIZER.padId());
    System.arraycopy(shortIds, 0, batch, 0, 30);
    System.arraycopy(longIds, 0, batch, 50, 50);
    float[] mask = new float[2 * 50];
    Arrays.fill(mask, 0, 30, 1);
    Arrays.fill(mask, 50, 100, 1);
    try (ForesightNet net = ForesightNet.create(config, TOKENIZER);
        NDManager scope = net.manager().newSubManager()) {
      ParameterStore store = new ParameterStore(scope, false);
      NDArray features = features(net, store, scope, batch, new Shape(2, 50));
      assertThat(features.getShape()).isEqualTo(new Shape(2, config.channels(), 50));
      NDArray embedding = net.embed(features, scope.create(mask, new Shape(2, 50)));
      assertThat(embedding.getShape()).isEqualTo(new Shape(2, config.embeddingDim()));

      NDArray alone = features(net, store, scope, shortIds, new Shape(1, 30));
      float[] aloneEmbedding = net.embed(alone, scope.ones(new Shape(1, 30))).toFloatArray();
      float[] batchedEmbedding = embedding.get(0).toFloatArray();
      for (int j = 0; j < aloneEmbedding.length; j++) {
        assertThat(batchedEmbedding[j]).as("dimension %d", j).isCloseTo(aloneEmbedding[j], within(1e-4f));
      }
    }
  }

  @Test
  void lstmOutputsBeforeAStepNeverDependOnThatStepOrLaterOnes() {
    int length = 40;
    int k = 25;
    Random random = new Random(5);
    int[] ids = randomIds(random, length);
    int[] changed = ids.clone();
    for (int t = k; t < length; t++) {
      changed[t] = (ids[t] + 1 + random.nextInt(40)) % 41;
    }
    try (ForesightNet net = ForesightNet.create(small(Encoder.LSTM), TOKENIZER);
        NDManager scope = net.manager().newSubManager()) {
      ParameterStore store = new ParameterStore(scope, false);
      Shape shape = new Shape(1, length);
      float[] before = features(net, store, scope, ids, shape).transpose(0, 2, 1).toFloatArray();
      float[] after = features(net, store, scope, changed, shape).transpose(0, 2, 1).toFloatArray();
      int hidden = small(Encoder.LSTM).channels();
      assertThat(Arrays.copyOf(after, k * hidden)).containsExactly(Arrays.copyOf(before, k * hidden));
      assertThat(Arrays.copyOfRange(after, k * hidden, length * hidden))
          .isNotEqualTo(Arrays.copyOfRange(before, k * hidden, length * hidden));
    }
  }

  @Test
  void onlyTheResNetSeesTheFuture() {
    assertThat(ModelConfig.defaults(Encoder.CAUSAL_CNN).isCausal()).isTrue();
    assertThat(ModelConfig.defaults(Encoder.LSTM).isCausal()).isTrue();
    assertThat(ModelConfig.defaults(Encoder.RESNET).isCausal()).isFalse();
  }

  private static NDArray features(
      ForesightNet net, ParameterStore store, NDManager scope, int[] ids, Shape shape) {
    float[] inputs = new float[ids.length];
    for (int i = 0; i < ids.length; i++) {
      inputs[i] = ids[i] == TOKENIZER.padId() ? 0 : ids[i] / 40f;
    }
    return net.features(store, scope.create(ids, shape), scope.create(inputs, shape), false);
  }

  private static int[] randomIds(Random random, int length) {
    int[] ids = new int[length];
    for (int t = 0; t < length; t++) {
      ids[t] = random.nextInt(41);
    }
    return ids;
  }
}
