package io.foresight.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class EntityBufferTest {

  @Test
  void aWrappedRingEncodesOldestFirstAndDecodesToTheSameState() {
    WindowSpec spec = WindowSpec.sliding(4, 2);
    EntityBuffer b = EntityBuffer.empty(spec);
    b.ringAppend(new float[] {0, 1, 2, 3, 4, 5}, 0, 3);
    b.ringAppend(new float[] {3, 4, 5}, 0, 3); // wraps: holds 2, 3, 4, 5 with head 2
    b.pushStart(20);
    b.pushStart(40);
    b.lastTs = 50;
    b.nextSequence = 7;
    b.untilEmit = 1;
    b.lastArrivalMs = 1234;
    b.lastRecordTs = 99;
    byte[] bytes = b.encode();

    EntityBuffer back = EntityBuffer.decode(bytes, spec);
    assertThat(back.ringCopy()).containsExactly(2, 3, 4, 5);
    assertThat(back.pollStart(-1)).isEqualTo(20);
    assertThat(back.pollStart(-1)).isEqualTo(40);
    assertThat(back.pollStart(-1)).isEqualTo(-1);
    assertThat(back.lastTs).isEqualTo(50);
    assertThat(back.nextSequence).isEqualTo(7);
    assertThat(back.untilEmit).isEqualTo(1);
    assertThat(back.lastRecordTs).isEqualTo(99);
    assertThat(EntityBuffer.size(bytes)).isEqualTo(4);
    assertThat(EntityBuffer.lastArrivalMs(bytes)).isEqualTo(1234);
  }

  @Test
  void aStateCutWithAnotherSpecKeepsOnlyLastTsAndSequenceNumbers() {
    EntityBuffer b = EntityBuffer.empty(WindowSpec.sliding(4, 2));
    b.ringAppend(new float[] {1, 2, 3}, 0, 3);
    b.lastTs = 30;
    b.nextSequence = 3;
    EntityBuffer back = EntityBuffer.decode(b.encode(), WindowSpec.sliding(8, 2));
    assertThat(back.size).isZero();
    assertThat(back.untilEmit).isEqualTo(8);
    assertThat(back.lastTs).isEqualTo(30);
    assertThat(back.nextSequence).isEqualTo(3);
  }

  @Test
  void aSequenceStateRoundTrips() {
    WindowSpec spec = WindowSpec.sequence(1000, 50);
    EntityBuffer b = EntityBuffer.empty(spec);
    float[] steps = new float[40];
    for (int i = 0; i < steps.length; i++) {
      steps[i] = i * 0.5f;
    }
    b.sequenceAppend(steps, 0, 40);
    b.startTs = 5;
    EntityBuffer back = EntityBuffer.decode(b.encode(), spec);
    assertThat(back.size).isEqualTo(40);
    assertThat(java.util.Arrays.copyOf(back.values, back.size)).containsExactly(steps);
    assertThat(back.startTs).isEqualTo(5);
  }

  @Test
  void foreignOrTruncatedBytesAreRefused() {
    byte[] good = EntityBuffer.empty(WindowSpec.sliding()).encode();
    assertThatThrownBy(() -> EntityBuffer.decode(new byte[] {'X', 1}, WindowSpec.sliding()))
        .isInstanceOf(SerializationException.class);
    assertThatThrownBy(() -> EntityBuffer.decode(java.util.Arrays.copyOf(good, good.length - 1), WindowSpec.sliding()))
        .isInstanceOf(SerializationException.class);
  }
}
