package io.foresight.demo;

import java.util.List;
import java.util.Map;

/**
 * What {@code demo --report} writes.
 *
 * @param accuracy share of held-out series whose latest classification is right (the live view of each
 *     device); null when nothing held out was classified
 * @param accuracyAllClassifications share of every held-out classification that was right, including
 *     those made by early model versions
 * @param latencyMs end-to-end latency of classifications: from the record timestamp of the timestep
 *     that completed a window to a read_committed consumer receiving its classification
 * @param windowLatencyMs the same clock to the window itself reaching that consumer: ingest's share
 * @param lostWindows windows emitted but never scored (must be 0)
 * @param duplicateOutputs windows scored more than once (must be 0)
 * @param unclassifiedAfterFirstClassifier windows scored by a model with a classifier but without a
 *     classification (must be 0)
 * @param classifier what the trainer's last classifier was fitted on and its cross-validated accuracy;
 *     null when none was fitted
 * @param pretextLoss the trainer's smoothed self-supervised loss when its first classifier was fitted,
 *     and the highest it reached after (labels must not make the encoder worse)
 * @param firstClassificationSeconds from the first label on {@code foresight.labels}, and from the
 *     first window on {@code foresight.windows}, to the first classification a consumer received; null
 *     when there was none
 * @param offline the same TRAIN labels fitted offline, as {@code evaluate} does, and scored on the
 *     held-out TEST series (dataset replays only; null otherwise)
 */
public record DemoReport(
    String source,
    double durationSeconds,
    long timestepsProduced,
    long windowsEmitted,
    long trainerSteps,
    long modelVersionsPublished,
    List<Long> modelVersionsServed,
    long swaps,
    long rejectedCheckpoints,
    long classificationsPublished,
    long embeddingsPublished,
    long dlqRecords,
    Map<String, Long> dlqByReason,
    Double accuracy,
    Double accuracyAllClassifications,
    long heldOutClassifications,
    Latency latencyMs,
    Latency windowLatencyMs,
    long lostWindows,
    long duplicateOutputs,
    long unclassifiedAfterFirstClassifier,
    Classifier classifier,
    PretextLoss pretextLoss,
    FirstClassification firstClassificationSeconds,
    Offline offline) {

  public record Latency(double p50, double p99) {}

  /** The trainer's last fitted classifier. */
  public record Classifier(
      double crossValidatedAccuracy, String crossValidation, int labelledWindows, int labelledEntities,
      double embeddingShare) {}

  /** @param ratio {@code highestSince / atFirstClassifier} */
  public record PretextLoss(double atFirstClassifier, double highestSince, double ratio) {}

  /** Seconds to the first classification, from the first label and from the first window. */
  public record FirstClassification(Double afterFirstLabel, Double afterFirstWindow) {}

  /** @param method the {@code evaluate} method; @param accuracy its TEST accuracy */
  public record Offline(String method, double accuracy) {}

  /** This report with the offline figure added. */
  public DemoReport withOffline(Offline figure) {
    return new DemoReport(
        source, durationSeconds, timestepsProduced, windowsEmitted, trainerSteps, modelVersionsPublished,
        modelVersionsServed, swaps, rejectedCheckpoints, classificationsPublished, embeddingsPublished,
        dlqRecords, dlqByReason, accuracy, accuracyAllClassifications, heldOutClassifications, latencyMs,
        windowLatencyMs, lostWindows, duplicateOutputs, unclassifiedAfterFirstClassifier, classifier,
        pretextLoss, firstClassificationSeconds, figure);
  }
}
