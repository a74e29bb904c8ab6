package io.foresight.cli;

import io.foresight.learn.ContinuousTrainer;
import io.foresight.learn.Objective;
import io.foresight.train.TrainerService;
import io.foresight.model.ModelConfig;
import io.foresight.model.Tokenizer;
import java.time.Duration;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The continuous trainer's flags, shared by {@code trainer} and {@code demo}. */
final class TrainerOptions {

  @Mixin ModelNameOption name;

  @Option(names = "--objective", defaultValue = "next-step",
      description = "Self-supervised objective trained continuously: next-step, masked, contrastive,"
          + " all, hierarchical, hierarchical+next-step or hierarchical+masked (default:"
          + " ${DEFAULT-VALUE}; surprise is the next-step loss, so keep next-step in the mix).")
  String objective;

  @Option(names = "--publish-every-steps", defaultValue = "500",
      description = "Publish a checkpoint after this many steps... (default: ${DEFAULT-VALUE})")
  int publishEverySteps;

  @Option(names = "--publish-every-seconds", defaultValue = "30",
      description = "...or after this many seconds, whichever comes first (default: ${DEFAULT-VALUE}).")
  double publishEverySeconds;

  @Option(names = "--buffer-steps", defaultValue = "2000000",
      description = "Replay buffer capacity in steps, 8 bytes each (default: ${DEFAULT-VALUE}, about 16 MiB).")
  long bufferSteps;

  @Option(names = "--labelled-steps", defaultValue = "5000000",
      description = "Steps of labelled windows kept at most, newest first, 4 bytes each"
          + " (default: ${DEFAULT-VALUE}, about 20 MiB).")
  long labelledSteps;

  @Option(names = "--max-labelled-entities", defaultValue = "100000",
      description = "Entities with labels at most; labels of further entities go to the DLQ"
          + " (default: ${DEFAULT-VALUE}).")
  int maxLabelledEntities;

  @Option(names = "--classifier-windows", defaultValue = "512",
      description = "Labelled windows one fit of the live classifier uses at most, shared out between"
          + " classes and entities; a fit costs about their square (default: ${DEFAULT-VALUE}).")
  int classifierWindows;

  @Option(names = "--max-classes", defaultValue = "256",
      description = "Distinct label classes accepted at most; labels of further classes go to the DLQ"
          + " (default: ${DEFAULT-VALUE}).")
  int maxClasses;

  @Option(names = "--lookback-minutes", defaultValue = "60",
      description = "On start, refill the buffer with windows this recent (default: ${DEFAULT-VALUE}).")
  long lookbackMinutes;

  @Option(names = "--integer-vocabulary", defaultValue = "41",
      description = "A fresh model's tokeniser: integer values in [0, V) (default: ${DEFAULT-VALUE}).")
  int vocabulary;

  @Mixin ModelOptions model;
  @Mixin TrainingFlags training;

  TrainerService.Options options(Tokenizer tokenizer) {
    ModelConfig config = model.config();
    ContinuousTrainer.Settings settings =
        new ContinuousTrainer.Settings(
            Objective.parse(objective),
            training.options(Double.MAX_VALUE, Integer.MAX_VALUE),
            bufferSteps);
    return new TrainerService.Options(
        name.modelName,
        config,
        tokenizer,
        settings,
        new TrainerService.ClassifierSettings(
            maxClasses, maxLabelledEntities, labelledSteps, classifierWindows),
        publishEverySteps,
        Duration.ofMillis((long) (publishEverySeconds * 1000)),
        Duration.ofMinutes(lookbackMinutes));
  }

  /** The tokeniser of a fresh model in a stream of integer counts. */
  Tokenizer integerTokenizer() {
    return Tokenizer.integer(vocabulary);
  }
}
