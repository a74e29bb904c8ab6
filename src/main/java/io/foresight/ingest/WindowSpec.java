package io.foresight.ingest;

import io.foresight.wire.Topics;
import java.util.Locale;
import java.util.Objects;

/**
 * How ingest cuts an entity's steps into windows.
 *
 * <ul>
 *   <li>{@link Mode#SLIDING}: once {@code length} steps exist, the last {@code length} steps are
 *       emitted, and again every {@code hop} new steps after that (window k covers steps
 *       {@code k*hop .. k*hop+length-1} of the entity's stream). A hop longer than the length skips the
 *       steps between windows. {@code gapMs} and {@code maxLength} are not used.
 *   <li>{@link Mode#SEQUENCE}: everything between an entity's first step and its {@code end} marker, or
 *       an inactivity gap longer than {@code gapMs}, is one window; a sequence that reaches
 *       {@code maxLength} steps is emitted and the next step starts a new one. {@code length} and
 *       {@code hop} are not used.
 * </ul>
 *
 * {@code maxChunk} bounds the values one input record may carry, in both modes; larger chunks go to the
 * DLQ as {@code oversized-chunk}. Window lengths are bounded by {@value #MAX_WINDOW_STEPS} steps and
 * keys by {@value #MAX_KEY_BYTES} bytes, so that every window record fits the producer's default
 * {@code max.request.size} of 1 MiB: a record too large to send would stop the stream thread, and
 * every restart would replay it.
 *
 * @param mode sliding or sequence
 * @param length sliding window length in steps, at least 2 (512 to 30 720 typical)
 * @param hop sliding: new steps between two windows, at least 1
 * @param gapMs sequence: inactivity (in record time, or event time between two consecutive steps;
 *     see {@code WindowingProcessor}) that closes a sequence, at least 1 ms
 * @param maxLength sequence: most steps in one sequence window, at least 2
 * @param maxChunk most values accepted in one input record, at least 1
 */
public record WindowSpec(Mode mode, int length, int hop, long gapMs, int maxLength, int maxChunk) {

  /** How windows are cut. */
  public enum Mode {
    SLIDING,
    SEQUENCE;

    /** Lower-case name, as used in metric tags and on the command line. */
    public String tag() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public static final int DEFAULT_LENGTH = 512;
  public static final int DEFAULT_HOP = 128;
  public static final long DEFAULT_GAP_MS = 30_000;
  public static final int DEFAULT_MAX_LENGTH = 30_720;
  public static final int DEFAULT_MAX_CHUNK = 4096;
  /** Longest window: 512 KiB of float32 steps, half the producer's default 1 MiB request. */
  public static final int MAX_WINDOW_STEPS = 131_072;
  /** Longest entity key in UTF-8 bytes; a record with a longer one goes to the DLQ (oversized-key). */
  public static final int MAX_KEY_BYTES = 4096;

  public WindowSpec {
    Objects.requireNonNull(mode, "mode");
    if (length < 2 || length > MAX_WINDOW_STEPS) {
      throw new IllegalArgumentException(
          "window length must be 2 to " + MAX_WINDOW_STEPS + " steps, got " + length);
    }
    if (hop < 1) {
      throw new IllegalArgumentException("window hop must be at least 1 step, got " + hop);
    }
    if (gapMs < 1) {
      throw new IllegalArgumentException("sequence gap must be at least 1 ms, got " + gapMs);
    }
    if (maxLength < 2 || maxLength > MAX_WINDOW_STEPS) {
      throw new IllegalArgumentException(
          "sequence max length must be 2 to " + MAX_WINDOW_STEPS + " steps, got " + maxLength);
    }
    if (maxChunk < 1) {
      throw new IllegalArgumentException("max chunk must be at least 1 value, got " + maxChunk);
    }
  }

  /** Sliding windows of 512 steps every 128 steps. */
  public static WindowSpec sliding() {
    return sliding(DEFAULT_LENGTH, DEFAULT_HOP);
  }

  /** Sliding windows of {@code length} steps every {@code hop} new steps. */
  public static WindowSpec sliding(int length, int hop) {
    return new WindowSpec(
        Mode.SLIDING, length, hop, DEFAULT_GAP_MS, DEFAULT_MAX_LENGTH, DEFAULT_MAX_CHUNK);
  }

  /** Sequences closed by {@code end}, 30 s of inactivity or 30 720 steps. */
  public static WindowSpec sequence() {
    return sequence(DEFAULT_GAP_MS, DEFAULT_MAX_LENGTH);
  }

  /** Sequences closed by {@code end}, {@code gapMs} of inactivity or {@code maxLength} steps. */
  public static WindowSpec sequence(long gapMs, int maxLength) {
    return new WindowSpec(Mode.SEQUENCE, DEFAULT_LENGTH, DEFAULT_HOP, gapMs, maxLength, DEFAULT_MAX_CHUNK);
  }

  /** This spec with another largest accepted chunk. */
  public WindowSpec withMaxChunk(int maxChunk) {
    return new WindowSpec(mode, length, hop, gapMs, maxLength, maxChunk);
  }

  /**
   * The largest window record these windows make, overhead included: the longest key twice (record key
   * and the window's entity) and {@link #capacity()} float32 steps.
   */
  public int largestWindowRecordBytes() {
    return 2 + 4 + 24 + 4 + 1 + 4 * capacity() + 2 * MAX_KEY_BYTES + Topics.RECORD_OVERHEAD_BYTES;
  }

  /** Most steps an entity's buffer holds: the window length, or the sequence maximum. */
  public int capacity() {
    return mode == Mode.SLIDING ? length : maxLength;
  }

  /** How often the sequence-mode punctuator looks for inactive entities: min(gap / 2, 1 s), at least 1 ms. */
  public long punctuateIntervalMs() {
    return Math.max(1, Math.min(gapMs / 2, 1000));
  }

  @Override
  public String toString() {
    return mode == Mode.SLIDING
        ? "sliding(length " + length + ", hop " + hop + ", max chunk " + maxChunk + ")"
        : "sequence(gap " + gapMs + " ms, max length " + maxLength + ", max chunk " + maxChunk + ")";
  }
}
