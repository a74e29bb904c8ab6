package io.foresight.wire;

import java.nio.ByteBuffer;

/**
 * How a run of steps is stored in a window record or in ingest's state: one byte per step when every
 * step is a whole number in 0..255 (integer counts, the common case), else float32.
 *
 * <p>Chosen per run by looking at the values, not by configuration, so a decoded run always equals the
 * encoded one bit for bit: a fraction, a negative number, a value above 255 or negative zero picks
 * float32 for the whole run. The check is one pass over the steps (about 0.1 us for 512), small
 * against the 4x fewer bytes that RocksDB, the changelog and the windows topic then carry.
 */
public enum StepEncoding {
  /** Four bytes per step, IEEE float32 in the buffer's byte order. */
  FLOAT32((byte) 0, 4),
  /** One byte per step, the unsigned value. */
  UINT8((byte) 1, 1);

  /** The byte that names the encoding in a record. */
  public final byte id;
  /** Bytes one step takes. */
  public final int bytesPerStep;

  StepEncoding(byte id, int bytesPerStep) {
    this.id = id;
    this.bytesPerStep = bytesPerStep;
  }

  /** The encoding named by {@code id}, or null when none is. */
  public static StepEncoding of(byte id) {
    for (StepEncoding e : values()) {
      if (e.id == id) {
        return e;
      }
    }
    return null;
  }

  /** The smallest encoding that holds {@code values[from, from + n)} exactly. */
  public static StepEncoding choose(float[] values, int from, int n) {
    for (int i = from; i < from + n; i++) {
      float v = values[i];
      int whole = (int) v;
      // raw bits: rules out fractions, NaN and -0.0 in one comparison
      if (whole < 0 || whole > 255 || Float.floatToRawIntBits(v) != Float.floatToRawIntBits((float) whole)) {
        return FLOAT32;
      }
    }
    return UINT8;
  }

  /** The smallest encoding that holds both runs exactly (a ring buffer's two halves). */
  public static StepEncoding choose(float[] values, int from, int n, int from2, int n2) {
    return choose(values, from, n) == UINT8 ? choose(values, from2, n2) : FLOAT32;
  }

  /** Writes {@code values[from, from + n)} at {@code out}'s position and advances it. */
  public void put(ByteBuffer out, float[] values, int from, int n) {
    if (this == UINT8) {
      for (int i = from; i < from + n; i++) {
        out.put((byte) (int) values[i]);
      }
    } else {
      out.asFloatBuffer().put(values, from, n);
      out.position(out.position() + 4 * n);
    }
  }

  /** Reads {@code n} steps at {@code in}'s position into {@code values[from, from + n)} and advances it. */
  public void get(ByteBuffer in, float[] values, int from, int n) {
    if (this == UINT8) {
      for (int i = from; i < from + n; i++) {
        values[i] = in.get() & 0xFF;
      }
    } else {
      in.asFloatBuffer().get(values, from, n);
      in.position(in.position() + 4 * n);
    }
  }
}
