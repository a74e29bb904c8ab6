package io.foresight.bench;

import io.foresight.wire.Window;
import java.util.Locale;

/**
 * The deterministic replay a {@link FaultRun} produces: {@code entities} entities of {@code steps}
 * integer steps in [0, 40] each, half of them a noisy wave ({@value #WAVE}), half uniform noise
 * ({@value #NOISE}), a quarter labelled with their class. Every value is a pure function of seed,
 * entity and step, so the audit can check each window's content without keeping what was sent.
 *
 * <p>Ingest cuts sliding windows: window {@code k} of an entity holds steps {@code [k * hop, k * hop +
 * length)}, so each entity has {@code 1 + (steps - length) / hop} windows (none below {@code length}
 * steps).
 */
public final class FaultReplay {

  public static final String WAVE = "wave";
  public static final String NOISE = "noise";
  /** Event time between two steps of one entity. */
  public static final long INTERVAL_MS = 10;

  private static final String PREFIX = "fault-";

  private final int entities;
  private final int steps;
  private final int length;
  private final int hop;
  private final long seed;
  private final long t0;

  /**
   * @param t0 event time of every entity's first step, epoch millis
   */
  public FaultReplay(int entities, int steps, int length, int hop, long seed, long t0) {
    if (entities < 2 || steps < 1 || length < 2 || hop < 1) {
      throw new IllegalArgumentException(
          "a replay needs 2 entities or more, a step, windows of 2 steps or more and a hop of 1 or more");
    }
    this.entities = entities;
    this.steps = steps;
    this.length = length;
    this.hop = hop;
    this.seed = seed;
    this.t0 = t0;
  }

  public int entities() {
    return entities;
  }

  public int steps() {
    return steps;
  }

  public long totalSteps() {
    return (long) entities * steps;
  }

  public String entity(int index) {
    return PREFIX + String.format(Locale.ROOT, "%04d", index);
  }

  /** The index of one of this replay's entities, or -1 for any other key. */
  public int index(String entity) {
    if (entity == null || !entity.startsWith(PREFIX)) {
      return -1;
    }
    try {
      int i = Integer.parseInt(entity.substring(PREFIX.length()));
      return i >= 0 && i < entities && entity.equals(entity(i)) ? i : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  public String classOf(int index) {
    return index % 2 == 0 ? WAVE : NOISE;
  }

  /** Two of every eight entities, one of each class. */
  public boolean labelled(int index) {
    return index % 8 < 2;
  }

  public long ts(int step) {
    return t0 + step * INTERVAL_MS;
  }

  /** Step {@code step} of entity {@code index}: an integer in [0, 40]. */
  public int value(int index, int step) {
    long noise = mix(seed * 0x9E3779B97F4A7C15L + index * 0xC2B2AE3D27D4EB4FL + step);
    if (!classOf(index).equals(WAVE)) {
      return (int) Math.floorMod(noise, 41L);
    }
    int period = 16 + 8 * (index % 5);
    double wave = 14 * Math.sin(2 * Math.PI * (step + index) / period);
    int v = 20 + (int) Math.round(wave) + (int) Math.floorMod(noise, 7L) - 3;
    return Math.max(0, Math.min(40, v));
  }

  public int windowsPerEntity() {
    return steps < length ? 0 : 1 + (steps - length) / hop;
  }

  public long expectedWindows() {
    return (long) entities * windowsPerEntity();
  }

  /** Event time of the last step of window {@code k}. */
  public long windowEnd(int k) {
    return ts(k * hop + length - 1);
  }

  /** The window whose last step has event time {@code endTs}, or -1 when no window ends there. */
  public int windowEndingAt(long endTs) {
    long offset = endTs - t0;
    if (offset < 0 || offset % INTERVAL_MS != 0) {
      return -1;
    }
    long last = offset / INTERVAL_MS;
    long k = (last - (length - 1)) / hop;
    return last >= length - 1 && (last - (length - 1)) % hop == 0 && k < windowsPerEntity() ? (int) k : -1;
  }

  /** Whether {@code w} is exactly window {@code w.sequence()} of its entity: times and every value. */
  public boolean matches(Window w) {
    int index = index(w.entity());
    if (index < 0 || w.sequence() < 0 || w.sequence() >= windowsPerEntity() || w.length() != length) {
      return false;
    }
    int first = (int) w.sequence() * hop;
    if (w.startTs() != ts(first) || w.endTs() != ts(first + length - 1)) {
      return false;
    }
    float[] values = w.values();
    for (int i = 0; i < length; i++) {
      if (values[i] != value(index, first + i)) {
        return false;
      }
    }
    return true;
  }

  /** SplitMix64's finaliser: every input bit reaches every output bit. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
