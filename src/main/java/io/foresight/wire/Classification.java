package io.foresight.wire;

import java.util.Map;

/**
 * What the scorer publishes to {@code foresight.classifications} for every window once a classifier
 * exists; JSON with these field names.
 *
 * @param probabilities class name to probability, summing to 1
 * @param surprise mean negative log-likelihood (nats) of the window's actual next steps
 */
public record Classification(
    String entity,
    long windowStart,
    long windowEnd,
    String label,
    Map<String, Double> probabilities,
    double surprise,
    long modelVersion) {}
