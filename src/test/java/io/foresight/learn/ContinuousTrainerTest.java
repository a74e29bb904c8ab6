package io.foresight.learn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.foresight.model.Encoder;
import io.foresight.model.ModelConfig;
import io.foresight.model.SingleCpuThread;
import io.foresight.model.Tokenizer;
import io.foresight.wire.Checkpoint;
import io.foresight.wire.Label;
import io.foresight.wire.Window;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The continuous trainer joins labels to windows, grows its classifier, and learns from both. */
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
    return new ContinuousTrainer.Settings(Objective.NEXT_STEP, OPTIONS, bufferSteps, 1000);
  }

  @Test
  void hierarchicalContrastBesideNextStepTrainsOnStreamWindows() {
    ContinuousTrainer.Settings hierarchical =
        new ContinuousTrainer.Settings(Objective.HIERARCHICAL_NEXT_STEP, OPTIONS, 100_000, 1000);
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
  void labelsArrivingBeforeOrAfterTheirWindowsBothLabelThem() {
    try (ContinuousTrainer trainer =
        ContinuousTrainer.fresh(SMALL, Tokenizer.integer(41), settings(100_000))) {
      Random random = new Random(1);
      trainer.addLabel("a", Label.whole("saw"));
      trainer.addWindow(window("a", 0, true, random));
      trainer.addWindow(window("b", 0, false, random));
      trainer.addWindow(window("c", 5, false, random)); // 5000..5630
      assertThat(trainer.labelledWindows()).isEqualTo(1);
      trainer.addLabel("b", Label.whole("flat"));
      trainer.addLabel("c", new Label("flat", 0L, 4000L)); // does not cover c's window
      assertThat(trainer.labelledWindows()).isEqualTo(2);
      trainer.addLabel("c", new Label("flat", 4000L, 6000L));
      assertThat(trainer.labelledWindows()).isEqualTo(3);

      trainer.step();
      assertThat(trainer.classNames()).containsExactly("flat", "saw");
      trainer.addLabel("d", Label.whole("noise"));
      trainer.addWindow(window("d", 0, false, random));
      trainer.step();
      assertThat(trainer.classNames()).containsExactly("flat", "noise", "saw");
      ContinuousTrainer.StepResult result = trainer.step();
      while (trainer.steps() <= ContinuousTrainer.CLASSIFIER_AFTER_STEPS) {
        result = trainer.step();
      }
      assertThat(result.classifierLoss()).isFinite();
      Checkpoint checkpoint = trainer.checkpoint(7, Map.of());
      assertThat(checkpoint.config().numClasses()).isEqualTo(3);
      assertThat(checkpoint.metrics()).containsEntry("labelledWindows", 4.0);
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
  void learnsToClassifyUnseenWindowsAndResumesFromItsCheckpoint() throws Exception {
    Random random = new Random(3);
    Checkpoint checkpoint;
    try (ContinuousTrainer trainer =
        ContinuousTrainer.fresh(SMALL, Tokenizer.integer(41), settings(1_000_000))) {
      for (int i = 0; i < 40; i++) {
        boolean saw = i % 2 == 0;
        String entity = "dev-" + i;
        if (i < 8) {
          trainer.addLabel(entity, Label.whole(saw ? "saw" : "flat"));
        }
        trainer.addWindow(window(entity, i, saw, random));
      }
      List<Float> pretext = new ArrayList<>();
      for (int step = 0; step < 150; step++) {
        pretext.add(trainer.step().pretextLoss());
      }
      assertThat(pretext.get(pretext.size() - 1)).isLessThan(0.7f * pretext.get(0));
      checkpoint = trainer.checkpoint(3, Map.of());
    }
    // Rebuilt from the checkpoint (as the scorer and a restarted trainer do), it classifies new windows.
    try (ContinuousTrainer resumed = ContinuousTrainer.resume(checkpoint, settings(1_000_000))) {
      Tokenizer tokenizer = resumed.net().tokenizer();
      List<Tokenizer.Tokens> unseen = new ArrayList<>();
      int[] truth = new int[40];
      for (int i = 0; i < 40; i++) {
        boolean saw = i % 2 == 0;
        unseen.add(tokenizer.encode(window("new", i, saw, random).doubles(), Tokenizer.OutOfRange.ERROR));
        truth[i] = resumed.classNames().indexOf(saw ? "saw" : "flat");
      }
      int[] predicted = Inference.argmax(Inference.run(resumed.net(), unseen).probabilities());
      int correct = 0;
      for (int i = 0; i < 40; i++) {
        correct += predicted[i] == truth[i] ? 1 : 0;
      }
      assertThat(correct).isGreaterThanOrEqualTo(30); // majority: 20
    }
  }

  @Test
  void theClassifierJoinsAfterTheFirstStepsAndDivergedWeightsAreRolledBackNeverPublished() {
    Random random = new Random(5);
    try (ContinuousTrainer trainer =
        ContinuousTrainer.fresh(SMALL, Tokenizer.integer(41), settings(1_000_000))) {
      for (int i = 0; i < 8; i++) {
        trainer.addLabel("dev-" + i, Label.whole(i % 2 == 0 ? "saw" : "flat"));
        trainer.addWindow(window("dev-" + i, i, i % 2 == 0, random));
      }
      for (int step = 0; step < ContinuousTrainer.CLASSIFIER_AFTER_STEPS; step++) {
        assertThat(trainer.step().labelledWindows()).isZero(); // the self-supervised objective alone first
      }
      assertThat(trainer.step().labelledWindows()).isPositive(); // then the classifier joins
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
      assertThat(trainer.classNames()).isEqualTo(good.classNames());
      ContinuousTrainer.StepResult after = trainer.step();
      assertThat(Float.isFinite(after.pretextLoss()) && Float.isFinite(after.classifierLoss())).isTrue();
      assertThat(trainer.checkpoint(2, Map.of()).classNames()).containsExactly("flat", "saw");
    }
  }
}
