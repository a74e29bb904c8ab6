package io.foresight.cli;

import io.foresight.ingest.WindowSpec;
import picocli.CommandLine.Option;

/** How ingest cuts windows; shared by {@code ingest} and {@code demo}. */
final class WindowOptions {

  enum Mode {
    sliding,
    sequence
  }

  @Option(names = "--window-mode",
      description = "sliding (the last --window-length steps every --hop steps) or sequence (from an"
          + " entity's first step to its end marker or an inactivity gap).")
  Mode mode;

  @Option(names = "--window-length", defaultValue = "" + WindowSpec.DEFAULT_LENGTH,
      description = "Sliding window length in steps (default: ${DEFAULT-VALUE}).")
  int length;

  @Option(names = "--hop", defaultValue = "" + WindowSpec.DEFAULT_HOP,
      description = "New steps between sliding windows (default: ${DEFAULT-VALUE}).")
  int hop;

  @Option(names = "--gap-ms", defaultValue = "" + WindowSpec.DEFAULT_GAP_MS,
      description = "Sequence mode: inactivity that closes a sequence (default: ${DEFAULT-VALUE}).")
  long gapMs;

  @Option(names = "--max-length", defaultValue = "" + WindowSpec.DEFAULT_MAX_LENGTH,
      description = "Sequence mode: longest sequence; a longer one is cut (default: ${DEFAULT-VALUE}).")
  int maxLength;

  @Option(names = "--max-chunk", defaultValue = "" + WindowSpec.DEFAULT_MAX_CHUNK,
      description = "Largest chunk of steps one record may carry (default: ${DEFAULT-VALUE}).")
  int maxChunk;

  /** The spec, in the given mode unless --window-mode says otherwise. */
  WindowSpec spec(Mode fallback) {
    Mode chosen = mode != null ? mode : fallback;
    WindowSpec spec =
        chosen == Mode.sliding ? WindowSpec.sliding(length, hop) : WindowSpec.sequence(gapMs, maxLength);
    return spec.withMaxChunk(maxChunk);
  }
}
