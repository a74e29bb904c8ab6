package io.foresight.cli;

import io.foresight.learn.TrainingOptions;
import picocli.CommandLine.Option;

/** Training flags shared by the commands that train. */
final class TrainingFlags {

  @Option(names = "--batch-size", defaultValue = "32", description = "Series per batch (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--crop", defaultValue = "1024",
      description = "Longest stretch one training example covers; longer series are cropped at random"
          + " (default: ${DEFAULT-VALUE}). Embedding and scoring always see whole series.")
  int crop;

  @Option(names = "--learning-rate", defaultValue = "0.001", description = "Adam learning rate (default: ${DEFAULT-VALUE}).")
  float learningRate;

  @Option(names = "--seed", defaultValue = "0", description = "Random seed (default: ${DEFAULT-VALUE}).")
  long seed;

  TrainingOptions options(double budgetSeconds, int maxSteps) {
    return TrainingOptions.defaults()
        .withBatch(batchSize, crop)
        .withLearningRate(learningRate)
        .withSeed(seed)
        .withBudget(budgetSeconds, maxSteps);
  }
}
