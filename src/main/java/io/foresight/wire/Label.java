package io.foresight.wire;

/**
 * A user's label on {@code foresight.labels}, keyed by entity: for the whole entity when {@code from}
 * and {@code to} are null, else for the windows that lie within [from, to] (epoch millis).
 */
public record Label(String label, Long from, Long to) {

  public static Label whole(String label) {
    return new Label(label, null, null);
  }

  /** Whether a window spanning [start, end] carries this label. */
  public boolean covers(long start, long end) {
    return (from == null || start >= from) && (to == null || end <= to);
  }
}
