package io.foresight.wire;

import java.util.Arrays;
import java.util.Objects;

/**
 * A window of one entity's timesteps, as ingest emits it and trainer and scorer read it.
 *
 * @param entity the device or stream the steps came from (also the record key)
 * @param startTs event time of the first step, epoch millis
 * @param endTs event time of the last step, epoch millis
 * @param sequence per-entity counter of emitted windows, from 0
 * @param values the steps, oldest first
 */
public record Window(String entity, long startTs, long endTs, long sequence, float[] values) {

  public Window {
    Objects.requireNonNull(entity, "entity");
    Objects.requireNonNull(values, "values");
  }

  public int length() {
    return values.length;
  }

  /** The values as doubles, as the tokeniser takes them. */
  public double[] doubles() {
    double[] out = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = values[i];
    }
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Window w
        && entity.equals(w.entity)
        && startTs == w.startTs
        && endTs == w.endTs
        && sequence == w.sequence
        && Arrays.equals(values, w.values);
  }

  @Override
  public int hashCode() {
    return Objects.hash(entity, startTs, endTs, sequence) * 31 + Arrays.hashCode(values);
  }

  @Override
  public String toString() {
    return "Window[" + entity + " #" + sequence + " " + startTs + ".." + endTs + ", " + values.length
        + " steps]";
  }
}
