package io.foresight.learn;

/**
 * Knobs of a training run.
 *
 * @param batchSize series per batch (fewer for long series, see {@link #maxBatchSteps})
 * @param maxBatchSteps cap on padded steps per batch, which bounds activation memory
 * @param maxCrop longest stretch of a series one training example covers; longer series are cropped at
 *     a random offset each time they are drawn (scoring still sees whole series)
 * @param learningRate Adam's learning rate
 * @param maxSteps optimiser steps at most
 * @param budgetSeconds wall-clock budget; the run stops at whichever limit comes first
 * @param maskRatio share of steps hidden by the masked objective, in spans of {@link #maskSpan}
 * @param maskSpan mean length of a hidden span
 * @param temperature InfoNCE temperature
 * @param seed seeds batching, cropping and masking
 */
public record TrainingOptions(
    int batchSize,
    int maxBatchSteps,
    int maxCrop,
    float learningRate,
    int maxSteps,
    double budgetSeconds,
    double maskRatio,
    int maskSpan,
    float temperature,
    long seed) {

  public static TrainingOptions defaults() {
    return new TrainingOptions(32, 32 * 1024, 1024, 1e-3f, 1_000_000, 60, 0.3, 5, 0.5f, 0);
  }

  public TrainingOptions withBudget(double seconds, int steps) {
    return new TrainingOptions(
        batchSize, maxBatchSteps, maxCrop, learningRate, steps, seconds, maskRatio, maskSpan,
        temperature, seed);
  }

  public TrainingOptions withSeed(long newSeed) {
    return new TrainingOptions(
        batchSize, maxBatchSteps, maxCrop, learningRate, maxSteps, budgetSeconds, maskRatio,
        maskSpan, temperature, newSeed);
  }

  public TrainingOptions withLearningRate(float rate) {
    return new TrainingOptions(
        batchSize, maxBatchSteps, maxCrop, rate, maxSteps, budgetSeconds, maskRatio, maskSpan,
        temperature, seed);
  }

  public TrainingOptions withBatch(int size, int crop) {
    return new TrainingOptions(
        size, Math.max(maxBatchSteps, size * crop), crop, learningRate, maxSteps, budgetSeconds,
        maskRatio, maskSpan, temperature, seed);
  }
}
