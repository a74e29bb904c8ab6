package io.foresight.ingest;

import io.foresight.ingest.IngestMetrics.Cause;
import io.foresight.model.Tokenizer;
import io.foresight.wire.DeadLetters;
import io.foresight.wire.Topics;
import io.foresight.wire.Window;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * Cuts each entity's timesteps into windows; forwards {@link Window}s (String key) and rejected records
 * (original key and value bytes, {@link DeadLetters} headers) to the topology's two branches.
 *
 * <h2>Out-of-order and duplicate steps</h2>
 *
 * Per entity, ingest keeps the event time ({@code ts}) of the last accepted step; it survives window
 * emissions and sequence ends. Steps are accepted only in increasing event time:
 *
 * <ul>
 *   <li>A step at the last accepted time is a <b>duplicate</b> (a producer retry or a replay): dropped
 *       and counted in {@code foresight.ingest.timesteps.dropped{reason=duplicate}}.
 *   <li>A record all of whose steps are older than the last accepted one is <b>late</b>: it goes whole to
 *       {@code foresight.dlq} with reason {@code out-of-order}, counted in
 *       {@code foresight.dlq.records{service=ingest,reason=out-of-order}}. Windows already emitted are
 *       never revised.
 *   <li>A chunk that overlaps already-accepted time: the steps at or before the last accepted time are
 *       dropped as duplicates, the rest appended. A chunk whose last step is exactly the last accepted
 *       one (a replayed chunk) is all duplicates.
 *   <li>An {@code end} marker is late, and goes to the DLQ, when its ts is older than the last accepted
 *       step (closing now would cut a later sequence); an end marker with nothing open (a replayed end,
 *       or one after the gap already closed the sequence) is ignored and counted in
 *       {@code foresight.ingest.end.ignored{reason=empty}}. In sliding mode end markers are ignored and
 *       counted with {@code reason=sliding}: sliding windows run over the entity's whole stream.
 * </ul>
 *
 * Any other rejection ({@link Reason}) also sends the whole record to the DLQ: one bad value in a chunk
 * rejects the chunk, so the DLQ always holds what the producer sent.
 *
 * <h2>Sequence mode</h2>
 *
 * A sequence closes at its {@code end} marker, when it reaches {@code maxLength} steps (the next step
 * starts a new sequence), when two consecutive steps lie more than {@code gapMs} apart in event time
 * ({@code ts}), and after inactivity, measured in record time so that a restart or a replay cuts the
 * same sequences the live stream did:
 *
 * <ul>
 *   <li>when the entity's next record is {@code gapMs} or more younger (record timestamp) than the
 *       last one that brought it steps;
 *   <li>when the task's stream time (the newest record timestamp it has seen since it started) is
 *       {@code gapMs} past the entity's last record: a device fell silent while others go on;
 *   <li>when the task has received nothing at all for {@code gapMs} of wall-clock time and the entity
 *       none for as long: the whole partition fell silent, so no later record can still be on its way.
 * </ul>
 *
 * A wall-clock punctuator checks the last two every min(gapMs / 2, 1 s). Why not the wall clock alone
 * (as before): after an outage longer than the gap, every open sequence was cut at restart, and the
 * backlog's next steps began new sequences. Now a restarted task waits {@code gapMs} of wall clock
 * before it trusts silence, and its backlog drives stream time. Stream time follows the producers'
 * clocks: one producer far ahead of the others closes their sequences early.
 *
 * <h2>Commits</h2>
 *
 * Under exactly-once a window is visible downstream only once its transaction commits. A window
 * completed by a record less than {@value #FRESH_MS} ms old (record timestamp against this
 * instance's clock) requests a commit at once, so live windows do not wait for the commit interval;
 * while ingest works through a backlog, its windows ride the interval's longer transactions, which
 * is where its throughput comes from. A producer clock running behind makes windows look old (they
 * then wait for the interval); one running ahead costs throughput only while ingest is caught up.
 *
 * <h2>State</h2>
 *
 * Each entity's {@link EntityBuffer} lives in the {@link BufferStore}: a record changes the decoded
 * state in place and the store writes it back (encoded, to RocksDB and the changelog) when it evicts
 * it or before the next commit, so an entity that gets many records between commits is encoded and
 * logged once. A record that fails half-way is undone (the store's {@code revert}) before the
 * exception goes to the processing-exception handler.
 *
 * <h2>Timestamps</h2>
 *
 * A window record carries the timestamp of the input record that completed it: the record that
 * brought its last step, or its {@code end} marker; for a sequence closed by a gap, the record that
 * brought its last step. DLQ records keep their input timestamp and headers, plus ours.
 */
final class WindowingProcessor implements Processor<byte[], byte[], Object, Object> {

  /** A window completed by a record younger than this requests a commit at once. */
  static final long FRESH_MS = 1_000;

  private final WindowSpec spec;
  private final int maxRecordBytes;
  private final long entityTtlMs;
  private final IngestMetrics metrics;
  private final TimestepParser parser;
  private final boolean sliding;
  private ProcessorContext<Object, Object> context;
  private BufferStore store;
  /** Reused for the copy of a state with unwritten changes taken before each record. */
  private EntityBuffer spare;
  /** The newest record timestamp this task has seen since it was initialised. */
  private long streamTime = Long.MIN_VALUE;
  /** Wall-clock time this task last received a record (or was initialised). */
  private long lastRecordWallMs;

  WindowingProcessor(WindowSpec spec, Tokenizer tokenizer, IngestMetrics metrics) {
    this(spec, tokenizer, metrics, WindowingTopology.Limits.defaults());
  }

  WindowingProcessor(WindowSpec spec, Tokenizer tokenizer, IngestMetrics metrics, WindowingTopology.Limits limits) {
    this.maxRecordBytes = limits.maxRecordBytes();
    this.entityTtlMs = limits.entityTtl().toMillis();
    this.spec = spec;
    this.metrics = metrics;
    this.parser = new TimestepParser(tokenizer, spec.maxChunk());
    this.sliding = spec.mode() == WindowSpec.Mode.SLIDING;
  }

  @Override
  public void init(ProcessorContext<Object, Object> context) {
    this.context = context;
    this.store = context.getStateStore(WindowingTopology.STORE);
    streamTime = Long.MIN_VALUE;
    lastRecordWallMs = context.currentSystemTimeMs();
    if (!sliding) {
      context.schedule(
          Duration.ofMillis(spec.punctuateIntervalMs()), PunctuationType.WALL_CLOCK_TIME, this::closeInactive);
    }
    context.schedule(
        Duration.ofMillis(Math.max(1_000, Math.min(entityTtlMs / 4, 3_600_000))),
        PunctuationType.WALL_CLOCK_TIME, this::expireSilent);
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    streamTime = Math.max(streamTime, record.timestamp());
    lastRecordWallMs = context.currentSystemTimeMs();
    if (record.key() != null && record.key().length > WindowSpec.MAX_KEY_BYTES) {
      reject(record, Reason.OVERSIZED_KEY, "the key is " + record.key().length + " bytes; at most "
          + WindowSpec.MAX_KEY_BYTES + " are accepted, so that every window fits a Kafka request");
      return;
    }
    String entity = entity(record.key());
    if (entity == null) {
      reject(record, Reason.MISSING_KEY, record.key() == null || record.key().length == 0
          ? "the record has no key; the key names the entity the steps belong to"
          : "the key is not valid UTF-8");
      return;
    }
    TimestepParser p = parser;
    if (!p.parse(record.value())) {
      reject(record, p.reason, p.error);
      return;
    }
    EntityBuffer buffer = load(entity);
    // A record that fails half-way must leave the state as it was before it: the store still has
    // that state unless earlier records changed it since the last write-back, so copy it then.
    EntityBuffer before = null;
    if (store.isDirty(entity)) {
      before = spare == null ? EntityBuffer.empty(spec) : spare;
      before.copyFrom(buffer);
      spare = before;
    }
    try {
      accept(record, entity, buffer, p);
    } catch (RuntimeException e) {
      store.revert(entity, before);
      spare = null; // the copy is the entity's state now
      throw e;
    }
  }

  /** Applies a parsed record to its entity's state: duplicates, late records, windows, end markers. */
  private void accept(Record<byte[], byte[]> record, String entity, EntityBuffer buffer, TimestepParser p) {
    int n = p.count;
    int skip = 0;
    if (buffer.lastTs != EntityBuffer.NONE) {
      long last = p.lastStepTs();
      if (last < buffer.lastTs) {
        reject(record, Reason.OUT_OF_ORDER, (n == 0 ? "the end marker at ts " + p.ts
            : n == 1 ? "the step at ts " + p.ts : "every step of the chunk (ts " + p.ts + ".." + last + ")")
            + " is older than the entity's last accepted step at ts " + buffer.lastTs);
        return;
      }
      if (n > 0 && p.ts <= buffer.lastTs) {
        skip = p.intervalMs == 0 ? n : (int) Math.min(n, (buffer.lastTs - p.ts) / p.intervalMs + 1);
        metrics.duplicates.increment(skip);
      }
    }
    long now = context.currentSystemTimeMs();
    boolean changed = false;
    if (!sliding && buffer.size > 0 && (skip < n || p.end)
        && record.timestamp() - buffer.lastRecordTs >= spec.gapMs()) {
      emitSequence(entity, buffer, Cause.GAP, buffer.lastRecordTs);
      changed = true;
    }
    if (skip < n) {
      if (sliding) {
        appendSliding(entity, buffer, p, skip, record.timestamp());
      } else {
        appendSequence(entity, buffer, p, skip, record.timestamp());
      }
      buffer.lastArrivalMs = now;
      buffer.lastRecordTs = record.timestamp();
      metrics.timesteps.increment(n - skip);
      changed = true;
    }
    if (p.end) {
      if (sliding) {
        metrics.endWhileSliding.increment();
      } else if (buffer.size > 0) {
        emitSequence(entity, buffer, Cause.END, record.timestamp());
        changed = true;
      } else {
        metrics.endOnEmpty.increment();
      }
    }
    if (changed) {
      save(entity, buffer);
    }
  }

  /** The entity's state: from the store (decoded there), else empty. */
  private EntityBuffer load(String entity) {
    EntityBuffer buffer = store.get(entity);
    return buffer == null ? EntityBuffer.empty(spec) : buffer;
  }

  /** Hands the entity's changed state to the store, which writes it back before the next commit. */
  private void save(String entity, EntityBuffer buffer) {
    store.put(entity, buffer);
  }

  /** Appends steps {@code from..count} of the parsed record, emitting a window at every hop. */
  private void appendSliding(String entity, EntityBuffer b, TimestepParser p, int from, long recordTs) {
    int length = spec.length();
    int hop = spec.hop();
    int i = from;
    while (i < p.count) {
      int k = Math.min(p.count - i, b.untilEmit);
      // Step j of these k has u = untilEmit - j steps to go (itself included) before the next window;
      // it starts a window when u <= length and (length - u) is a multiple of hop.
      int j = Math.max(0, b.untilEmit - length);
      int r = (length - b.untilEmit + j) % hop;
      for (j += r == 0 ? 0 : hop - r; j < k; j += hop) {
        b.pushStart(p.stepTs(i + j));
      }
      b.ringAppend(p.values, i, k);
      b.untilEmit -= k;
      i += k;
      b.lastTs = p.stepTs(i - 1);
      if (b.untilEmit == 0) {
        float[] values = b.ringCopy();
        emit(entity, new Window(entity, b.pollStart(b.lastTs), b.lastTs, b.nextSequence++, values), recordTs);
        b.untilEmit = hop;
      }
    }
  }

  /** Appends steps {@code from..count}, closing the sequence at an event-time gap or at max length. */
  private void appendSequence(String entity, EntityBuffer b, TimestepParser p, int from, long recordTs) {
    int i = from;
    boolean stepwise = p.intervalMs > spec.gapMs(); // every step of this chunk is its own gap
    while (i < p.count) {
      long ts = p.stepTs(i);
      if (b.size > 0 && ts - b.lastTs > spec.gapMs()) {
        emitSequence(entity, b, Cause.GAP, b.lastRecordTs);
      }
      if (b.size == 0) {
        b.startTs = ts;
      }
      int k = stepwise ? 1 : Math.min(p.count - i, spec.maxLength() - b.size);
      b.sequenceAppend(p.values, i, k);
      i += k;
      b.lastTs = p.stepTs(i - 1);
      b.lastRecordTs = recordTs;
      if (b.size >= spec.maxLength()) {
        emitSequence(entity, b, Cause.MAX_LENGTH, recordTs);
      }
    }
  }

  private void emitSequence(String entity, EntityBuffer b, Cause cause, long timestamp) {
    float[] values = Arrays.copyOf(b.values, b.size);
    emit(entity, new Window(entity, b.startTs, b.lastTs, b.nextSequence++, values), timestamp);
    metrics.closed(cause).increment();
    b.size = 0;
    b.startTs = EntityBuffer.NONE;
  }

  private void emit(String entity, Window window, long timestamp) {
    context.forward(new Record<>(entity, window, timestamp));
    if (context.currentSystemTimeMs() - timestamp < FRESH_MS) {
      context.commit();
    }
    metrics.windows.increment();
    metrics.windowLength.record(window.length());
  }

  /** Wall-clock punctuator (sequence mode): closes the sequences of entities inactive for gapMs. */
  private void closeInactive(long now) {
    long gap = spec.gapMs();
    List<String> due = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> all = store.all()) {
      while (all.hasNext()) {
        KeyValue<String, byte[]> entry = all.next();
        if (EntityBuffer.size(entry.value) == 0) {
          continue;
        }
        if (inactive(entry.value, gap, now)) {
          due.add(entry.key);
        }
      }
    }
    for (String entity : due) {
      EntityBuffer buffer = load(entity);
      emitSequence(entity, buffer, Cause.GAP, buffer.lastRecordTs);
      save(entity, buffer);
    }
  }

  /**
   * Whether an entity's encoded state has been inactive for {@code thresholdMs}: the task's stream time
   * that far past its last record, or the whole partition and the entity silent that long by the wall
   * clock (the rules of the class comment).
   */
  private boolean inactive(byte[] state, long thresholdMs, long now) {
    long lastRecord = EntityBuffer.lastRecordTs(state);
    boolean streamPassed =
        streamTime != Long.MIN_VALUE && lastRecord != EntityBuffer.NONE && streamTime - lastRecord >= thresholdMs;
    boolean silent = now - lastRecordWallMs >= thresholdMs && now - EntityBuffer.lastArrivalMs(state) >= thresholdMs;
    return streamPassed || silent;
  }

  /**
   * Wall-clock punctuator (every quarter of the TTL, 1 s to 1 h): forgets entities silent for the
   * entity TTL, so that state and changelog do not keep every device ever seen. An open sequence is
   * emitted first; the steps of a partial sliding window are dropped and counted. A forgotten entity
   * that comes back starts afresh (window sequence numbers from 0, no memory of its last timestamp).
   */
  private void expireSilent(long now) {
    List<String> expired = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> all = store.all()) {
      while (all.hasNext()) {
        KeyValue<String, byte[]> entry = all.next();
        if (inactive(entry.value, entityTtlMs, now)) {
          expired.add(entry.key);
        }
      }
    }
    for (String entity : expired) {
      EntityBuffer buffer = load(entity);
      if (!sliding && buffer.size > 0) {
        emitSequence(entity, buffer, Cause.GAP, buffer.lastRecordTs);
      } else if (sliding) {
        // Steps not yet in any emitted window: since the last window, or all of them before the first.
        int unemitted = buffer.nextSequence > 0 ? spec.hop() - buffer.untilEmit : buffer.size;
        metrics.expiredSteps.increment(Math.max(0, unemitted));
      }
      store.delete(entity);
      metrics.entitiesExpired.increment();
    }
  }

  private void reject(Record<byte[], byte[]> record, Reason reason, String error) {
    RecordMetadata source = context.recordMetadata().orElse(null);
    var headers = metrics.deadLetters.headers(reason, error, record.headers(),
        source == null ? Topics.TIMESTEPS : source.topic(),
        source == null ? DeadLetters.UNKNOWN : source.partition(),
        source == null ? DeadLetters.UNKNOWN : source.offset());
    DeadLetters.Fitted letter = DeadLetters.cutToFit(record.key(), record.value(), headers, maxRecordBytes);
    context.forward(new Record<>(letter.key(), new DeadLetter(letter.value()), record.timestamp(), headers));
  }

  /** The entity id, or null when the key is missing, empty or not UTF-8. */
  private static String entity(byte[] key) {
    if (key == null || key.length == 0) {
      return null;
    }
    String s = new String(key, StandardCharsets.UTF_8);
    if (s.indexOf('\uFFFD') >= 0) { // rare: check strictly whether the bytes really were UTF-8
      try {
        StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(key));
      } catch (CharacterCodingException e) {
        return null;
      }
    }
    return s;
  }

  /** A rejected record's original value on its way to the DLQ branch (null stays null). */
  record DeadLetter(byte[] value) {}
}
