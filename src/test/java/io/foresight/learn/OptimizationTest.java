package io.foresight.learn;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.foresight.model.ForesightNet;
import io.foresight.model.Encoder;
import io.foresight.model.ModelConfig;
import io.foresight.model.SingleCpuThread;
import io.foresight.model.Tokenizer;
import io.foresight.model.Tokenizer.Tokens;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SingleCpuThread.class)
class OptimizationTest {

  private static final Tokenizer TOKENIZER = Tokenizer.integer(41);

  @Test
  void aStepLeavesNoGradientBehindForTheNextOne() {
    // PyTorch adds every backward pass onto the stored gradient; a step that left it would make the
    // next step descend along the sum of both.
    PretextBatch batch = batch(new Random(1));
    try (ForesightNet net = ForesightNet.create(new ModelConfig(Encoder.CAUSAL_CNN, 8, 2, 3, 16, 0), TOKENIZER)) {
      // A bare backward pass does leave gradients, so the check below can fail.
      try (ai.djl.ndarray.NDManager scope = net.manager().newSubManager();
          ai.djl.training.GradientCollector collector =
              ai.djl.engine.Engine.getInstance().newGradientCollector()) {
        collector.backward(
            Pretrainer.loss(
                net, batch, Objective.NEXT_STEP, TrainingOptions.defaults(), scope,
                new ai.djl.training.ParameterStore(net.manager(), false)));
      }
      assertThat(largestGradient(net)).isPositive();
      Optimization optimization = new Optimization(net, 1e-3f);
      for (int step = 0; step < 2; step++) {
        optimization.step(
            (scope, store) ->
                Pretrainer.loss(net, batch, Objective.NEXT_STEP, TrainingOptions.defaults(), scope, store));
        int checked = 0;
        for (Block part : net.parts()) {
          for (Pair<String, Parameter> pair : part.getParameters()) {
            NDArray array = pair.getValue().getArray();
            if (array.hasGradient()) {
              try (NDArray gradient = array.getGradient()) {
                assertThat(gradient.abs().max().getFloat()).as(pair.getKey()).isZero();
              }
              checked++;
            }
          }
        }
        assertThat(checked).isPositive();
      }
    }
  }

  @Test
  void repeatedStepsOnOneBatchLowerItsLoss() {
    PretextBatch batch = batch(new Random(2));
    try (ForesightNet net = ForesightNet.create(new ModelConfig(Encoder.CAUSAL_CNN, 8, 2, 3, 16, 0), TOKENIZER)) {
      Optimization optimization = new Optimization(net, 1e-2f);
      List<Float> losses = new ArrayList<>();
      for (int step = 0; step < 30; step++) {
        losses.add(
            optimization.step(
                (scope, store) ->
                    Pretrainer.loss(
                        net, batch, Objective.NEXT_STEP, TrainingOptions.defaults(), scope, store)));
      }
      assertThat(losses.get(29)).isLessThan(0.8f * losses.get(0));
    }
  }

  @Test
  void eachObjectiveGivesAFiniteLossOnABatchItBuilt() {
    Random random = new Random(3);
    List<Tokens> series = new ArrayList<>();
    for (int length : new int[] {20, 33, 47}) {
      series.add(LossesTest.randomTokens(random, length));
    }
    try (ForesightNet net = ForesightNet.create(new ModelConfig(Encoder.CAUSAL_CNN, 8, 2, 3, 16, 0), TOKENIZER)) {
      Optimization optimization = new Optimization(net, 1e-3f);
      for (Objective objective : Objective.values()) {
        PretextBatch batch =
            PretextBatch.build(series, objective, TrainingOptions.defaults(), TOKENIZER, random);
        assertThat(batch.plain() != null).isEqualTo(objective.nextStepWeight() > 0 || objective.contrastiveWeight() > 0);
        assertThat(batch.masked() != null).isEqualTo(objective.maskedWeight() > 0 || objective.contrastiveWeight() > 0);
        float loss =
            optimization.step(
                (scope, store) ->
                    Pretrainer.loss(net, batch, objective, TrainingOptions.defaults(), scope, store));
        assertThat(loss).as("%s", objective).isFinite().isPositive();
      }
    }
  }

  private static float largestGradient(ForesightNet net) {
    float largest = 0;
    for (Block part : net.parts()) {
      for (Pair<String, Parameter> pair : part.getParameters()) {
        NDArray array = pair.getValue().getArray();
        if (array.hasGradient()) {
          try (NDArray gradient = array.getGradient()) {
            largest = Math.max(largest, gradient.abs().max().getFloat());
          }
        }
      }
    }
    return largest;
  }

  private static PretextBatch batch(Random random) {
    List<Tokens> series = new ArrayList<>();
    for (int length : new int[] {25, 40}) {
      series.add(LossesTest.randomTokens(random, length));
    }
    return new PretextBatch(PaddedBatch.of(series, TOKENIZER.padId()), null, null, null, null);
  }
}
