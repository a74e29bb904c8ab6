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
    long unclassifiedAfterFirstClassifier) {

  public record Latency(double p50, double p99) {}
}
