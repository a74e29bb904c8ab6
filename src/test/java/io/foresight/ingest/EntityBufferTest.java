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
  void aFullIntegerWindowIsStoredInUnder700BytesAndAFractionAnywhereKeepsFloat32() {
    WindowSpec spec = WindowSpec.sliding(512, 128);
    EntityBuffer b = EntityBuffer.empty(spec);
    float[] counts = new float[700];
    for (int i = 0; i < counts.length; i++) {
      counts[i] = (i * 7) % 41;
    }
    b.ringAppend(counts, 0, 600); // wrapped: the ring's two halves are both encoded
    for (int i = 0; i < 5; i++) {
      b.pushStart(i);
    }
    byte[] bytes = b.encode();
    assertThat(bytes.length).isEqualTo(64 + 8 * 5 + 512);
    assertThat(EntityBuffer.decode(bytes, spec).ringCopy()).containsExactly(b.ringCopy());

    b.ringAppend(new float[] {0.25f}, 0, 1); // lands in the ring's second half
    byte[] mixed = b.encode();
    assertThat(mixed.length).isEqualTo(64 + 8 * 5 + 4 * 512);
    float[] back = EntityBuffer.decode(mixed, spec).ringCopy();
    assertThat(back).containsExactly(b.ringCopy());
    assertThat(back[511]).isEqualTo(0.25f);
  }

  @Test
  void aVersionOneStateWrittenBeforeTheCompactFormatIsStillRead() {
    // the old layout: 63-byte header without the encoding byte, then starts and float32 steps
    java.nio.ByteBuffer v1 = java.nio.ByteBuffer.allocate(63 + 8 + 3 * 4);
    v1.put(EntityBuffer.MAGIC).put((byte) 1).put((byte) 0).putInt(4).putInt(2);
    v1.putLong(50).putLong(7).putLong(EntityBuffer.NONE).putLong(1234).putLong(99);
    v1.putInt(1).putInt(3).putInt(1).putLong(20);
    v1.order(java.nio.ByteOrder.LITTLE_ENDIAN).putFloat(1.5f).putFloat(2).putFloat(3);

    EntityBuffer back = EntityBuffer.decode(v1.array(), WindowSpec.sliding(4, 2));
    assertThat(back.ringCopy()).containsExactly(1.5f, 2, 3);
    assertThat(back.pollStart(-1)).isEqualTo(20);
    assertThat(back.lastTs).isEqualTo(50);
    assertThat(back.nextSequence).isEqualTo(7);
    assertThat(back.untilEmit).isEqualTo(1);
    assertThat(EntityBuffer.size(v1.array())).isEqualTo(3);
    assertThat(EntityBuffer.lastRecordTs(v1.array())).isEqualTo(99);
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
  void aCopyEncodesLikeItsOriginalWhateverTheSpareHeldBefore() {
    WindowSpec sliding = WindowSpec.sliding(4, 2);
    EntityBuffer ring = EntityBuffer.empty(sliding);
    ring.ringAppend(new float[] {1, 2, 3, 4, 5, 6}, 0, 6); // wrapped
    for (int i = 0; i < 7; i++) {
      ring.pushStart(10 * i); // grows the starts queue past its first capacity
    }
    ring.pollStart(-1);
    ring.lastTs = 60;
    EntityBuffer spare = EntityBuffer.empty(sliding);
    spare.copyFrom(ring);
    assertThat(spare.encode()).isEqualTo(ring.encode());

    WindowSpec sequence = WindowSpec.sequence(1000, 5000);
    EntityBuffer longOne = EntityBuffer.empty(sequence);
    longOne.sequenceAppend(new float[300], 0, 300);
    longOne.startTs = 3;
    EntityBuffer shortOne = EntityBuffer.empty(sequence);
    shortOne.sequenceAppend(new float[] {7, 8}, 0, 2);
    EntityBuffer seqSpare = EntityBuffer.empty(sequence);
    seqSpare.copyFrom(longOne); // grows the spare
    assertThat(seqSpare.encode()).isEqualTo(longOne.encode());
    seqSpare.copyFrom(shortOne); // reuses the larger array
    assertThat(seqSpare.encode()).isEqualTo(shortOne.encode());
    shortOne.sequenceAppend(new float[] {9}, 0, 1);
    assertThat(seqSpare.size).as("a copy, not a view").isEqualTo(2);
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
