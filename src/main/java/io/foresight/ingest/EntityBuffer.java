package io.foresight.ingest;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import io.foresight.wire.StepEncoding;
import org.apache.kafka.common.errors.SerializationException;

/**
 * One entity's windowing state, as the ingest store keeps it: the buffered steps and the counters that
 * decide the next window. The processor changes it in place; the {@link BufferStore} keeps it decoded
 * and encodes it back (RocksDB plus its changelog, the whole state) when it evicts it or before a
 * commit, and decodes it only for an entity it has not got in its {@link DecodedBuffers} cache.
 *
 * <p>Sliding mode keeps a ring of exactly {@code length} floats and a short queue of the event times
 * of the steps that will start the coming windows (at most {@code ceil(length / hop)} longs), so that
 * every window's start time is exact without a timestamp per step. Sequence mode keeps the steps of
 * the open sequence in order, at most {@code maxLength}.
 *
 * <p>Binary layout, big-endian except the steps, version 2 (header fields at fixed offsets, so that the sequence-mode
 * punctuator reads {@link #size(byte[])}, {@link #lastArrivalMs(byte[])} and {@link #lastRecordTs(byte[])}
 * without decoding steps; version 1 had no encoding byte and float32 steps, and is still read):
 *
 * <pre>
 * offset size
 *  0     1   magic 'B'
 *  1     1   format version (2)
 *  2     1   mode: 0 sliding, 1 sequence
 *  3     4   sliding length the state was cut with (0 in sequence mode)
 *  7     4   sliding hop (0 in sequence mode)
 * 11     8   lastTs: event time of the last accepted step (Long.MIN_VALUE: none yet)
 * 19     8   nextSequence: sequence number of the next window
 * 27     8   startTs: sequence mode, event time of the open sequence's first step (else unused)
 * 35     8   lastArrivalMs: wall clock when a step was last accepted
 * 43     8   lastRecordTs: record timestamp of the last input record that added steps
 * 51     4   untilEmit: sliding mode, steps still needed before the next window (else 0)
 * 55     4   size: buffered steps
 * 59     4   starts: number of pending window start times
 * 63     1   step encoding ({@link StepEncoding}): 1 one unsigned byte per step, 0 float32
 * 64     8n  the pending window start times, oldest first
 *  ..    m   the buffered steps, oldest first: m bytes of integer counts 0..255, else 4m bytes of
 *            float32, little-endian (the CPU's order: bulk copies)
 * </pre>
 *
 * <p>Size: a 512-step sliding state of integer counts is 64 + 8 * 4 + 512 = 608 bytes with its usual
 * four pending window starts (2 144 with float32 steps); measured with its key, 618 bytes per entity
 * ({@code bench scale}).
 *
 * <p>Cost: an encode of the whole state per write-back (about 0.3 us for a 512-step sliding buffer in
 * a loop of its own, about 0.6 us inside a busy stream thread by a JFR profile; proportional to the
 * buffer, so several us for a 10 000-step open sequence): once per commit for an entity that gets
 * many records between commits, once per record for one that gets fewer than one. A decode once per
 * entity while it stays in the cache. Chunks amortise both over their steps. If
 * single-step producers with long buffers must go faster, the next step is to split the steps over
 * fixed-size segment keys so that a record rewrites one segment and a small header.
 *
 * <p>A state cut with another mode, length or hop than the running spec is dropped on decode except for
 * lastTs and nextSequence: the entity's windows start again from an empty buffer.
 */
final class EntityBuffer {

  static final byte MAGIC = 'B';
  static final byte VERSION = 2;
  /** The first format: float32 steps, no encoding byte. Read, no longer written. */
  static final byte VERSION_FLOAT32 = 1;
  static final long NONE = Long.MIN_VALUE;

  private static final int ARRIVAL_OFFSET = 35;
  private static final int SIZE_OFFSET = 55;
  private static final int HEADER = 64;

  private final WindowSpec spec;
  private final boolean sliding;

  long lastTs = NONE;
  long nextSequence;
  long startTs = NONE;
  long lastArrivalMs;
  long lastRecordTs;
  int untilEmit;

  /** Steps: a ring starting at {@code head} in sliding mode, {@code [0, size)} in sequence mode. */
  float[] values;
  int head;
  int size;

  private long[] starts;
  private int startsHead;
  private int startsSize;

  private EntityBuffer(WindowSpec spec) {
    this.spec = spec;
    this.sliding = spec.mode() == WindowSpec.Mode.SLIDING;
    if (sliding) {
      values = new float[spec.length()];
      starts = new long[(spec.length() + spec.hop() - 1) / spec.hop() + 1];
      untilEmit = spec.length();
    } else {
      values = new float[16];
      starts = new long[0];
    }
  }

  /**
   * Makes this a copy of {@code other} (a state of the same spec), reusing this one's arrays where
   * they fit: the processor keeps one spare copy of a state with unwritten changes, to undo a failed
   * record, without allocating one per record.
   */
  void copyFrom(EntityBuffer other) {
    lastTs = other.lastTs;
    nextSequence = other.nextSequence;
    startTs = other.startTs;
    lastArrivalMs = other.lastArrivalMs;
    lastRecordTs = other.lastRecordTs;
    untilEmit = other.untilEmit;
    if (values.length < other.size || (sliding && values.length != other.values.length)) {
      values = new float[other.values.length];
    }
    System.arraycopy(other.values, 0, values, 0, sliding ? values.length : other.size);
    head = other.head;
    size = other.size;
    if (starts.length != other.starts.length) {
      starts = new long[other.starts.length];
    }
    System.arraycopy(other.starts, 0, starts, 0, starts.length);
    startsHead = other.startsHead;
    startsSize = other.startsSize;
  }

  /** A fresh entity's state. */
  static EntityBuffer empty(WindowSpec spec) {
    return new EntityBuffer(spec);
  }

  // ---- sliding mode -------------------------------------------------------------------------------

  /** Appends {@code n} steps to the ring, overwriting the oldest; only the last {@code length} matter. */
  void ringAppend(float[] src, int from, int n) {
    int cap = values.length;
    if (n >= cap) {
      System.arraycopy(src, from + n - cap, values, 0, cap);
      head = 0;
      size = cap;
      return;
    }
    int write = (head + size) % cap;
    int first = Math.min(n, cap - write);
    System.arraycopy(src, from, values, write, first);
    System.arraycopy(src, from + first, values, 0, n - first);
    int total = size + n;
    if (total > cap) {
      head = (head + total - cap) % cap;
      size = cap;
    } else {
      size = total;
    }
  }

  /** The ring's steps, oldest first, in a new array. */
  float[] ringCopy() {
    float[] out = new float[size];
    int first = Math.min(size, values.length - head);
    System.arraycopy(values, head, out, 0, first);
    System.arraycopy(values, 0, out, first, size - first);
    return out;
  }

  void pushStart(long ts) {
    if (startsSize == starts.length) {
      long[] grown = new long[starts.length * 2 + 1];
      for (int i = 0; i < startsSize; i++) {
        grown[i] = starts[(startsHead + i) % starts.length];
      }
      starts = grown;
      startsHead = 0;
    }
    starts[(startsHead + startsSize) % starts.length] = ts;
    startsSize++;
  }

  /** The oldest pending window start, or {@code fallback} when none is known. */
  long pollStart(long fallback) {
    if (startsSize == 0) {
      return fallback;
    }
    long ts = starts[startsHead];
    startsHead = (startsHead + 1) % starts.length;
    startsSize--;
    return ts;
  }

  /** Capacity of the pending-window-starts queue, for {@link DecodedBuffers}' memory count. */
  int startsCapacity() {
    return starts.length;
  }

  // ---- sequence mode ------------------------------------------------------------------------------

  /** Appends {@code n} steps to the open sequence, growing the array up to the spec's max length. */
  void sequenceAppend(float[] src, int from, int n) {
    int needed = size + n;
    if (needed > values.length) {
      int grown = (int) Math.min(Math.max((long) values.length * 2, needed), Math.max(needed, spec.maxLength()));
      float[] bigger = new float[grown];
      System.arraycopy(values, 0, bigger, 0, size);
      values = bigger;
    }
    System.arraycopy(src, from, values, size, n);
    size = needed;
  }

  // ---- codec --------------------------------------------------------------------------------------

  byte[] encode() {
    // the steps in order: [head, head + first) then [0, size - first); sequence mode has head 0
    int first = sliding ? Math.min(size, values.length - head) : size;
    int from = sliding ? head : 0;
    StepEncoding steps = StepEncoding.choose(values, from, first, 0, size - first);
    ByteBuffer out = ByteBuffer.allocate(HEADER + 8 * startsSize + steps.bytesPerStep * size);
    out.put(MAGIC).put(VERSION).put((byte) (sliding ? 0 : 1));
    out.putInt(sliding ? spec.length() : 0).putInt(sliding ? spec.hop() : 0);
    out.putLong(lastTs).putLong(nextSequence).putLong(startTs).putLong(lastArrivalMs).putLong(lastRecordTs);
    out.putInt(untilEmit).putInt(size).putInt(startsSize).put(steps.id);
    for (int i = 0; i < startsSize; i++) {
      out.putLong(starts[(startsHead + i) % starts.length]);
    }
    out.order(ByteOrder.LITTLE_ENDIAN);
    steps.put(out, values, from, first);
    steps.put(out, values, 0, size - first);
    return out.array();
  }

  /**
   * Decodes a stored state for the running spec.
   *
   * @throws SerializationException when the bytes are not a version-1 or version-2 buffer
   */
  static EntityBuffer decode(byte[] bytes, WindowSpec spec) {
    EntityBuffer b = new EntityBuffer(spec);
    try {
      ByteBuffer in = ByteBuffer.wrap(bytes);
      if (in.get() != MAGIC) {
        throw new SerializationException("not an ingest buffer (bad magic byte)");
      }
      byte version = in.get();
      if (version != VERSION && version != VERSION_FLOAT32) {
        throw new SerializationException("ingest buffer format version " + version + " is not supported");
      }
      boolean storedSliding = in.get() == 0;
      int length = in.getInt();
      int hop = in.getInt();
      b.lastTs = in.getLong();
      b.nextSequence = in.getLong();
      long startTs = in.getLong();
      b.lastArrivalMs = in.getLong();
      b.lastRecordTs = in.getLong();
      int untilEmit = in.getInt();
      int size = in.getInt();
      int startsCount = in.getInt();
      byte encoding = version == VERSION_FLOAT32 ? StepEncoding.FLOAT32.id : in.get();
      StepEncoding steps = StepEncoding.of(encoding);
      if (steps == null) {
        throw new SerializationException("ingest buffer step encoding " + encoding + " is not known");
      }
      if (size < 0 || startsCount < 0 || in.remaining() != 8L * startsCount + (long) steps.bytesPerStep * size) {
        throw new SerializationException("ingest buffer claims " + size + " steps and " + startsCount
            + " starts but holds " + in.remaining() + " bytes");
      }
      boolean sameCut = storedSliding == b.sliding
          && (!b.sliding || (length == spec.length() && hop == spec.hop()));
      if (!sameCut) {
        return b; // another window spec: keep lastTs and nextSequence, start the buffer again
      }
      b.startTs = startTs;
      for (int i = 0; i < startsCount; i++) {
        b.pushStart(in.getLong());
      }
      if (b.sliding) {
        b.untilEmit = untilEmit;
      } else if (size > b.values.length) {
        b.values = new float[Math.max(size, Math.min(size + (size >> 1) + 16, spec.maxLength()))];
      }
      steps.get(in.order(ByteOrder.LITTLE_ENDIAN), b.values, 0, size);
      b.size = size;
      b.head = 0;
      return b;
    } catch (RuntimeException e) {
      if (e instanceof SerializationException s) {
        throw s;
      }
      throw new SerializationException("truncated ingest buffer", e);
    }
  }

  /** Buffered steps of an encoded state, read from the header alone. */
  static int size(byte[] bytes) {
    return ByteBuffer.wrap(bytes).getInt(SIZE_OFFSET);
  }

  /** Record timestamp of an encoded state's last input record that added steps, from the header alone. */
  static long lastRecordTs(byte[] bytes) {
    return ByteBuffer.wrap(bytes).getLong(ARRIVAL_OFFSET + 8);
  }

  /** Wall-clock millis of an encoded state's last accepted step, read from the header alone. */
  static long lastArrivalMs(byte[] bytes) {
    return ByteBuffer.wrap(bytes).getLong(ARRIVAL_OFFSET);
  }
}
