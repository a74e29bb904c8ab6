package io.foresight.wire;

import java.io.IOException;

/** A checkpoint that cannot be trusted: truncated, corrupted, or of an unknown format version. */
public final class CorruptCheckpointException extends IOException {
  public CorruptCheckpointException(String message) {
    super(message);
  }
}
