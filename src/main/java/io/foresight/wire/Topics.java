package io.foresight.wire;

import java.util.List;

/** Topic names, fixed by DESIGN.md; their settings live in the project's {@code topics/} folder. */
public final class Topics {

  /** Users' timesteps, keyed by entity; JSON single steps, chunks or end markers. */
  public static final String TIMESTEPS = "foresight.timesteps";
  /** Users' labels, keyed by entity; JSON {@code {"label", "from"?, "to"?}}. */
  public static final String LABELS = "foresight.labels";
  /** Windows cut by ingest, keyed by entity; {@link WindowCodec} binary. */
  public static final String WINDOWS = "foresight.windows";
  /** Checkpoints published by the trainer, keyed by model name; compacted. */
  public static final String MODELS = "foresight.models";
  /** One classification per scored window, keyed by entity; JSON {@link Classification}. */
  public static final String CLASSIFICATIONS = "foresight.classifications";
  /** One embedding per scored window, keyed by entity; JSON {@link Embedding}. */
  public static final String EMBEDDINGS = "foresight.embeddings";
  /** Rejected records with their original bytes and {@link DeadLetters} headers. */
  public static final String DLQ = "foresight.dlq";

  /** The producer's default {@code max.request.size}: the largest record a client sends by default. */
  public static final int DEFAULT_MAX_REQUEST_BYTES = 1024 * 1024;

  /** Bytes a Kafka record costs beyond its key and value (batch and record headers, our DLQ headers). */
  public static final int RECORD_OVERHEAD_BYTES = 2048;

  public static final List<String> ALL =
      List.of(TIMESTEPS, LABELS, WINDOWS, MODELS, CLASSIFICATIONS, EMBEDDINGS, DLQ);

  private Topics() {}
}
