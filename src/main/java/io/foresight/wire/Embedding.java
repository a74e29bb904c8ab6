package io.foresight.wire;

/**
 * What the scorer publishes to {@code foresight.embeddings} for every window; JSON with these field
 * names.
 */
public record Embedding(
    String entity, long windowEnd, float[] vector, double surprise, long modelVersion) {}
