package io.foresight.learn;

import java.util.List;

/**
 * {@code report.json} of {@code evaluate}, in the shape DESIGN.md fixes, plus the context a reader needs
 * to trust it (majority rate, budget, model size).
 */
public record EvaluationReport(
    String dataset,
    int trainSize,
    int testSize,
    int classes,
    Range length,
    double majorityRate,
    double budgetSeconds,
    String encoder,
    int channels,
    int blocks,
    String tokenizer,
    double totalSeconds,
    List<Result> results) {

  public record Range(int min, int max) {}

  /**
   * One method at one label fraction, over all seeds.
   *
   * @param method {@code supervised}, {@code minirocket}, {@code ssl-probe}, {@code ssl-finetune} or
   *     {@code ssl+minirocket}
   * @param objective pretext objective, null for {@code supervised}
   * @param pretrainFraction share of the TRAIN inputs pretraining saw (null for supervised)
   * @param pretrainSeconds wall time of the pretraining this result used (shared by its seeds); for
   *     {@code minirocket}, of fitting and applying its transform to TRAIN and TEST
   * @param trainSeconds mean wall time of the downstream fit per seed
   */
  public record Result(
      String method,
      String objective,
      double labelFraction,
      Double pretrainFraction,
      Accuracy accuracy,
      double pretrainSeconds,
      double trainSeconds) {}

  public record Accuracy(double mean, double std, List<Double> runs) {

    public static Accuracy of(List<Double> runs) {
      double mean = runs.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
      double variance =
          runs.stream().mapToDouble(r -> (r - mean) * (r - mean)).average().orElse(Double.NaN);
      return new Accuracy(mean, Math.sqrt(variance), List.copyOf(runs));
    }
  }
}
