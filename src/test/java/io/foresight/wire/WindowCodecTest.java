package io.foresight.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class WindowCodecTest {

  private static final Window WINDOW = new Window("device-7", 1_000, 1_300, 4, new float[] {1, 2, 3, 40});

  @Test
  void roundTrips() {
    assertThat(WindowCodec.decode(WindowCodec.encode(WINDOW))).isEqualTo(WINDOW);
  }

  @Test
  void integerCountsTakeOneBytePerStepAndOtherValuesStayExactInFloat32() {
    float[] counts = new float[512];
    float[] mixed = new float[512];
    for (int i = 0; i < 512; i++) {
      counts[i] = i % 41;
      mixed[i] = i % 41;
    }
    counts[7] = 255;
    mixed[300] = 2.5f;
    Window integer = new Window("d", 0, 511, 0, counts);
    byte[] small = WindowCodec.encode(integer);
    byte[] large = WindowCodec.encode(new Window("d", 0, 511, 0, mixed));

    assertThat(small.length - 512).isLessThan(64);
    assertThat(large.length - 4 * 512).isLessThan(64);
    assertThat(WindowCodec.decode(small)).isEqualTo(integer);
    for (float odd : new float[] {256, -1, -0.0f, 0.5f, Float.NaN, 1e9f}) {
      float[] values = counts.clone();
      values[100] = odd;
      Window w = new Window("d", 0, 511, 0, values);
      byte[] bytes = WindowCodec.encode(w);
      assertThat(bytes.length).as("%s", odd).isGreaterThan(4 * 512);
      assertThat(Float.floatToRawIntBits(WindowCodec.decode(bytes).values()[100]))
          .isEqualTo(Float.floatToRawIntBits(odd));
    }
  }

  @Test
  void aVersionOneWindowWrittenBeforeTheCompactFormatIsStillRead() {
    // magic, version 1, entity, startTs, endTs, sequence, step count, float32 steps: the old layout
    byte[] entity = "device-7".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    ByteBuffer v1 = ByteBuffer.allocate(2 + 4 + entity.length + 24 + 4 + 16);
    v1.put(WindowCodec.MAGIC).put((byte) 1).putInt(entity.length).put(entity);
    v1.putLong(1_000).putLong(1_300).putLong(4).putInt(4);
    v1.putFloat(1).putFloat(2).putFloat(3).putFloat(40);
    assertThat(WindowCodec.decode(v1.array())).isEqualTo(WINDOW);
  }

  @Test
  void anUnknownStepEncodingIsRejected() {
    byte[] bytes = WindowCodec.encode(WINDOW);
    bytes[bytes.length - 5] = 9; // the encoding byte before the four one-byte steps
    assertThatThrownBy(() -> WindowCodec.decode(bytes))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("step encoding 9");
  }

  @Test
  void aHugeEntityLengthIsRejectedBeforeAnythingIsAllocated() {
    // 30 bytes claiming a 2 GB entity: decoding used to allocate it first (OutOfMemoryError).
    byte[] bytes = ByteBuffer.allocate(30).put(WindowCodec.MAGIC).put(WindowCodec.VERSION)
        .putInt(Integer.MAX_VALUE - 8).array();
    assertThatThrownBy(() -> WindowCodec.decode(bytes))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("entity of " + (Integer.MAX_VALUE - 8) + " bytes");
  }

  @Test
  void everyTruncationAndRandomCorruptionIsASerializationException() {
    byte[] good = WindowCodec.encode(WINDOW);
    for (int n = 0; n < good.length; n++) {
      byte[] cut = Arrays.copyOf(good, n);
      assertThatThrownBy(() -> WindowCodec.decode(cut)).isInstanceOf(SerializationException.class);
    }
    Random random = new Random(15);
    for (int i = 0; i < 20_000; i++) {
      byte[] bad = good.clone();
      for (int k = 1 + random.nextInt(4); k > 0; k--) {
        bad[random.nextInt(bad.length)] = (byte) random.nextInt(256);
      }
      try {
        WindowCodec.decode(bad);
      } catch (SerializationException expected) {
        // a rejection with a reason is the only acceptable failure
      }
    }
    assertThatThrownBy(() -> WindowCodec.decode(null)).isInstanceOf(SerializationException.class);
  }
}
