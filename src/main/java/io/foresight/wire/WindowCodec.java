package io.foresight.wire;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The binary form of a {@link Window} on {@code foresight.windows}: 1 byte per step for integer
 * counts (4 otherwise) instead of JSON's 2 to 12, and no parsing on the scorer's hot path.
 *
 * <p>Layout, big-endian: magic {@code 'W'}, format version (1 byte, currently 2), entity length (int)
 * and UTF-8 bytes, startTs, endTs, sequence (longs), step count (int), the {@link StepEncoding} id (1
 * byte), then the values: one unsigned byte each, or float32. Version 1, written before 2026-12, had no
 * encoding byte and float32 values; it is still read, so windows and pending scorer state written by an
 * older ingest stay readable across an upgrade.
 */
public final class WindowCodec {

  public static final byte MAGIC = 'W';
  public static final byte VERSION = 2;
  /** The first format: float32 steps, no encoding byte. Read, no longer written. */
  static final byte VERSION_FLOAT32 = 1;

  private WindowCodec() {}

  public static byte[] encode(Window window) {
    byte[] entity = window.entity().getBytes(StandardCharsets.UTF_8);
    float[] values = window.values();
    StepEncoding steps = StepEncoding.choose(values, 0, values.length);
    ByteBuffer out = ByteBuffer.allocate(2 + 4 + entity.length + 24 + 4 + 1 + steps.bytesPerStep * values.length);
    out.put(MAGIC).put(VERSION).putInt(entity.length).put(entity);
    out.putLong(window.startTs()).putLong(window.endTs()).putLong(window.sequence());
    out.putInt(values.length).put(steps.id);
    steps.put(out, values, 0, values.length);
    return out.array();
  }

  /**
   * Every length is checked against the bytes that remain before anything is allocated, so a corrupt
   * record costs a {@link SerializationException}, never an {@link OutOfMemoryError}.
   *
   * @throws SerializationException when the bytes are not a version-1 or version-2 window
   */
  public static Window decode(byte[] bytes) {
    if (bytes == null) {
      throw new SerializationException("a window record needs a value (got null)");
    }
    try {
      ByteBuffer in = ByteBuffer.wrap(bytes);
      if (in.get() != MAGIC) {
        throw new SerializationException("not a window record (bad magic byte)");
      }
      byte version = in.get();
      if (version != VERSION && version != VERSION_FLOAT32) {
        throw new SerializationException("window format version " + version + " is not supported");
      }
      int entityLength = in.getInt();
      if (entityLength < 0 || entityLength > in.remaining()) {
        throw new SerializationException(
            "window claims an entity of " + entityLength + " bytes but holds " + in.remaining());
      }
      byte[] entity = new byte[entityLength];
      in.get(entity);
      long start = in.getLong();
      long end = in.getLong();
      long sequence = in.getLong();
      int n = in.getInt();
      byte encoding = version == VERSION_FLOAT32 ? StepEncoding.FLOAT32.id : in.get();
      StepEncoding steps = StepEncoding.of(encoding);
      if (steps == null) {
        throw new SerializationException("window step encoding " + encoding + " is not known");
      }
      if (n < 0 || (long) n * steps.bytesPerStep != in.remaining()) {
        throw new SerializationException("window claims " + n + " steps but holds " + in.remaining() + " bytes");
      }
      float[] values = new float[n];
      steps.get(in, values, 0, n);
      return new Window(new String(entity, StandardCharsets.UTF_8), start, end, sequence, values);
    } catch (RuntimeException e) {
      if (e instanceof SerializationException s) {
        throw s;
      }
      throw new SerializationException("truncated window record", e);
    }
  }

  public static Serde<Window> serde() {
    Serializer<Window> serializer = (topic, window) -> window == null ? null : encode(window);
    Deserializer<Window> deserializer = (topic, bytes) -> bytes == null ? null : decode(bytes);
    return Serdes.serdeFrom(serializer, deserializer);
  }
}
