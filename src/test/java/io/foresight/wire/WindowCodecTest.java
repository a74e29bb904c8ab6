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
