package io.foresight.learn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.foresight.model.Encoder;
import io.foresight.model.ForesightNet;
import io.foresight.model.ModelConfig;
import io.foresight.model.SingleCpuThread;
import io.foresight.model.Tokenizer;
import io.foresight.wire.Checkpoint;
import io.foresight.wire.Window;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The continuous trainer learns the self-supervised objective from stream windows, and nothing else. */
@ExtendWith(SingleCpuThread.class)
class ContinuousTrainerTest {

  private static final ModelConfig SMALL = new ModelConfig(Encoder.CAUSAL_CNN, 16, 3, 3, 32, 0);
  private static final TrainingOptions OPTIONS =
      TrainingOptions.defaults().withBatch(16, 64).withLearningRate(3e-3f);

  /** Class "saw" counts up and wraps; class "flat" repeats one value: next-step tells them apart. */
  private static Window window(String entity, long seq, boolean saw, Random random) {
    float[] values = new float[64];
    int phase = random.nextInt(10);
    int level = random.nextInt(10);
    for (int t = 0; t < values.length; t++) {
      values[t] = saw ? (t + phase) % 10 : level;
    }
    return new Window(entity, seq * 1000, seq * 1000 + 630, seq, values);
  }

  private static ContinuousTrainer.Settings settings(long bufferSteps) {
    return new ContinuousTrainer.Settings(Objective.NEXT_STEP, OPTIONS, bufferSteps);
  }

  @Test
  void hierarchicalContrastBesideNextStepTrainsOnStreamWindows() {
    ContinuousTrainer.Settings hierarchical =
        new ContinuousTrainer.Settings(Objective.HIERARCHICAL_NEXT_STEP, OPTIONS, 100_000);
    try (ContinuousTrainer trainer =
        ContinuousTrainer.fresh(SMALL, Tokenizer.integer(41), hierarchical)) {
      Random random = new Random(2);
      for (int i = 0; i < 32; i++) {
        trainer.addWindow(window("e" + i, 0, i % 2 == 0, random));
      }
      double first = trainer.step().pretextLoss();
      double last = first;
      for (int i = 0; i < 40; i++) {
        last = trainer.step().pretextLoss();
      }
      assertThat(last).isFinite().isLessThan(first);
    }
  }

  @Test
  void bufferEvictsTheOldestWindowsBeyondItsCapacity() {
    try (ContinuousTrainer trainer =
        ContinuousTrainer.fresh(SMALL, Tokenizer.integer(41), settings(64 * 10))) {
      Random random = new Random(2);
      for (int i = 0; i < 25; i++) {
        trainer.addWindow(window("e" + i, i, true, random));
      }
      assertThat(trainer.buffer().windows()).isEqualTo(10);
      assertThat(trainer.buffer().steps()).isEqualTo(640);
      assertThat(trainer.buffer().evicted()).isEqualTo(15);
      assertThat(trainer.addWindow(new Window("x", 0, 1, 0, new float[] {3, 99}))).isFalse();
      assertThat(trainer.windowsRejected()).isEqualTo(1);
    }
  }

  @Test
  void learnsTheNextStepAndResumesFromItsCheckpointLeavingAnyClassifierHeadBehind() throws Exception {
    Random random = new Random(3);
    Checkpoint checkpoint;
    float firstLoss;
    try (ContinuousTrainer trainer =
        ContinuousTrainer.fresh(SMALL, Tokenizer.integer(41), settings(1_000_000))) {
      for (int i = 0; i < 40; i++) {
        trainer.addWindow(window("dev-" + i, i, i % 2 == 0, random));
      }
      List<Float> pretext = new ArrayList<>();
      for (int step = 0; step < 150; step++) {
        pretext.add(trainer.step().pretextLoss());
      }
      assertThat(pretext.get(pretext.size() - 1)).isLessThan(0.7f * pretext.get(0));
      firstLoss = pretext.get(0);
      checkpoint = trainer.checkpoint(3, Map.of());
      assertThat(checkpoint.classifier()).isNull();
      assertThat(checkpoint.config().numClasses()).isZero();
    }
    // An offline finetune's head on top: the trainer resumes the encoder and leaves the head out.
    try (ForesightNet withHead = ForesightNet.create(SMALL.withClasses(2), Tokenizer.integer(41))) {
      java.util.Map<String, byte[]> sections = new java.util.LinkedHashMap<>(checkpoint.sections());
      sections.put(ForesightNet.CLASSIFIER_HEAD, withHead.saveSections().get(ForesightNet.CLASSIFIER_HEAD));
      Checkpoint finetuned =
          new Checkpoint(4, SMALL.withClasses(2), checkpoint.tokenizer(), List.of("flat", "saw"), Map.of(), sections);
      try (ContinuousTrainer resumed = ContinuousTrainer.resume(finetuned, settings(1_000_000))) {
        assertThat(resumed.net().hasClassifier()).isFalse();
        assertThat(resumed.net().saveSections().get(ForesightNet.ENCODER))
            .isEqualTo(checkpoint.sections().get(ForesightNet.ENCODER));
        resumed.addWindow(window("dev-0", 0, true, random));
        assertThat(resumed.step().pretextLoss()).isLessThan(0.7f * firstLoss);
      }
    }
  }

  @Test
  void divergedWeightsAreRolledBackAndNeverPublished() {
    Random random = new Random(5);
    try (ContinuousTrainer trainer =
        ContinuousTrainer.fresh(SMALL, Tokenizer.integer(41), settings(1_000_000))) {
      for (int i = 0; i < 8; i++) {
        trainer.addWindow(window("dev-" + i, i, i % 2 == 0, random));
      }
      for (int step = 0; step < 5; step++) {
        trainer.step();
      }
      Checkpoint good = trainer.checkpoint(1, Map.of());

      // What a blown-up run leaves: a weight that is NaN, so every loss is NaN from here on.
      trainer.net().parts().iterator().next().getParameters().valueAt(0).getArray()
          .set(new ai.djl.ndarray.index.NDIndex("0"), Float.NaN);
      assertThatThrownBy(() -> trainer.checkpoint(2, Map.of()))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("not finite");
      assertThat(Float.isFinite(trainer.step().pretextLoss())).isFalse();

      assertThat(trainer.rollbacks()).isEqualTo(1);
      assertThat(trainer.net().firstNonFiniteParameter()).isNull();
      assertThat(trainer.net().saveSections().get("encoder")).isEqualTo(good.sections().get("encoder"));
      assertThat(Float.isFinite(trainer.step().pretextLoss())).isTrue();
      assertThat(trainer.checkpoint(2, Map.of()).sections().keySet()).isEqualTo(good.sections().keySet());
    }
  }
}
