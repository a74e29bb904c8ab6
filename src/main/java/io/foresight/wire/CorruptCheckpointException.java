package io.foresight.wire;

import java.io.IOException;
import java.util.Locale;

/**
 * A checkpoint that cannot be trusted: truncated, corrupted, of an unknown format version, or whose
 * content does not hold together. {@link #reason()} says which, for metrics.
 */
public final class CorruptCheckpointException extends IOException {

  /** What is wrong with a checkpoint, as a metric tag ({@link #tag()}). */
  public enum Reason {
    /** Not a checkpoint at all, or its SHA-256 does not match: damaged in transit or at rest. */
    CHECKSUM,
    /** A container format version this build does not read. */
    FORMAT,
    /** A length inside the container that does not add up (the digest matches: a writer's bug or a forgery). */
    LAYOUT,
    /** The header JSON is unreadable, lacks a field, or holds a value out of bounds. */
    HEADER,
    /** The model version is negative or above {@link Checkpoint#MAX_VERSION}. */
    VERSION,
    /** A part of the net is missing, unknown, or too short for its architecture. */
    SECTIONS,
    /** The fitted classifier is unreadable or does not fit the net. */
    CLASSIFIER;

    /** The metric tag: the name in lower case. */
    public String tag() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final Reason reason;

  public CorruptCheckpointException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
