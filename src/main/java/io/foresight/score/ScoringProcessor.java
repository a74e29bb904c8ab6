package io.foresight.score;

import io.foresight.wire.Classification;
import io.foresight.wire.DeadLetters;
import io.foresight.wire.Json;
import io.foresight.wire.Topics;
import io.foresight.wire.Window;
import io.foresight.wire.WindowCodec;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * One scoring task's part: its windows wait in the pending store, and in a {@link ThreadBatch} shared
 * with the other scoring tasks of its stream thread, until the batch is scored in one forward pass
 * under a lease on the current model (see {@link ThreadBatch} for when); this processor then forwards
 * its own windows' outcomes, deletes them from its store and requests a commit, so that the results
 * become visible at once rather than at the next commit interval. Each window yields one embedding and,
 * when the model has a fitted classifier, one classification, both stamped with the model version and
 * carrying the timestamp of the window's record (that of the timestep that completed it).
 *
 * <p>Why a store and not a list: under exactly-once the offsets of the windows read are committed in
 * the same transaction as the store's changelog, so a window that waits across a commit is restored
 * after a crash instead of being lost.
 *
 * <p>Meters (the batch's own are listed in {@link ThreadBatch}): {@code
 * foresight.scorer.classifications} (counter, tag label), {@code foresight.e2e.latency} (timer, from
 * the record timestamp of the completing timestep to the moment its classification is handed to Kafka;
 * percentiles 0.5, 0.99), {@code foresight.dlq.records} (counter, service=scorer,
 * reason=malformed-window|untokenisable-window, both registered at zero).
 *
 * <p>The pending store holds, per window, its record timestamp and source offset (for the DLQ
 * headers of a window rejected when its batch is scored) and the window's bytes.
 */
final class ScoringProcessor implements Processor<String, byte[], String, ScoringProcessor.Outgoing> {

  /** How often a partial batch is checked for a pause in its thread's input. */
  static final long PAUSE_CHECK_MS = 2;

  /**
   * Least time between two commits a stream thread's scoring tasks request. Why not a commit per
   * batch: while windows trickle in, batches hold one window each, and an exactly-once commit per
   * window (producer flush, transaction markers) left the scorer committing more than scoring.
   */
  static final long COMMIT_GAP_MS = 20;

  /** Why the scorer rejects a window. */
  enum Rejection implements DeadLetters.Reason {
    /** Not a window record (bad magic, version, truncated). */
    MALFORMED_WINDOW("malformed-window"),
    /** A value the served model's tokeniser cannot encode. */
    UNTOKENISABLE_WINDOW("untokenisable-window");

    private final String code;

    Rejection(String code) {
      this.code = code;
    }

    @Override
    public String code() {
      return code;
    }
  }

  /** A record to send: its topic and value bytes (the key travels in the Kafka record). */
  record Outgoing(String topic, byte[] value) {}

  static final Serde<Outgoing> OUTGOING_SERDE =
      Serdes.serdeFrom(
          (Serializer<Outgoing>) (topic, outgoing) -> outgoing.value(),
          (Deserializer<Outgoing>)
              (topic, bytes) -> {
                throw new UnsupportedOperationException("scorer output is written, never read back");
              });

  /**
   * A window waiting for its batch: the key under which the store holds it, its source offset, its
   * place in the thread's arrival order, and when it arrived (wall clock, and the thread's scoring
   * time then).
   */
  record Pending(
      long storeKey, String key, long timestamp, long offset, Window window,
      long sequence, long arrivalMs, long scoringMsAtArrival) {}

  private final ThreadLocal<ThreadBatch> batches;
  private final Timer endToEnd;
  private final MeterRegistry registry;
  private final DeadLetters deadLetters;
  private final List<Pending> pending = new ArrayList<>();
  private final List<ThreadBatch.Outcome> outcomes = new ArrayList<>();
  private final Map<String, Counter> classificationsByLabel = new HashMap<>();
  private ThreadBatch batch;
  private ProcessorContext<String, Outgoing> context;
  private KeyValueStore<Long, byte[]> store;
  private long nextKey;

  /** A processor batching alone, with a thread batch of its own (tests of one task). */
  ScoringProcessor(ModelHolder models, ScoringTopology.Options options, MeterRegistry registry) {
    this(ThreadBatch.perThread(models, options, registry), registry);
  }

  /** @param batches the batch of each stream thread, shared by the scoring tasks it runs */
  ScoringProcessor(ThreadLocal<ThreadBatch> batches, MeterRegistry registry) {
    this.batches = batches;
    this.registry = registry;
    this.endToEnd =
        Timer.builder("foresight.e2e.latency")
            .publishPercentiles(0.5, 0.99)
            .publishPercentileHistogram()
            .maximumExpectedValue(Duration.ofSeconds(30))
            .register(registry);
    this.deadLetters = DeadLetters.register(registry, "scorer", Rejection.values());
  }

  @Override
  public void init(ProcessorContext<String, Outgoing> context) {
    this.context = context;
    this.store = context.getStateStore(ScoringTopology.PENDING_STORE);
    leaveBatch(); // a revived task starts afresh
    this.batch = batches.get();
    // Streams may revive a task in the same processor (a commit that timed out, TaskCorruptedException):
    // the store is then the whole truth, and windows still listed from before would be scored twice.
    pending.clear();
    nextKey = 0;
    // Windows restored from the changelog after a crash are scored first.
    List<Map.Entry<Long, byte[]>> restored = new ArrayList<>();
    try (KeyValueIterator<Long, byte[]> it = store.all()) {
      while (it.hasNext()) {
        var entry = it.next();
        restored.add(Map.entry(entry.key, entry.value));
        nextKey = Math.max(nextKey, entry.key + 1);
      }
    }
    restored.sort(Map.Entry.comparingByKey());
    long now = context.currentSystemTimeMs();
    for (Map.Entry<Long, byte[]> entry : restored) {
      ByteBuffer bytes = ByteBuffer.wrap(entry.getValue());
      long timestamp = bytes.getLong();
      long offset = bytes.getLong();
      byte[] window = new byte[bytes.remaining()];
      bytes.get(window);
      Window decoded = WindowCodec.decode(window);
      pending.add(new Pending(
          entry.getKey(), decoded.entity(), timestamp, offset, decoded, batch.arrived(), now, batch.scoringMs()));
    }
    context.schedule(Duration.ofMillis(batch.checkIntervalMs()), PunctuationType.WALL_CLOCK_TIME, this::tick);
    batch.join(this); // last: a task whose init failed is never closed, and must not stay a member
  }

  @Override
  public void close() {
    leaveBatch();
  }

  /** Leaves the thread's batch; outcomes not forwarded are dropped, their windows still in the store. */
  private void leaveBatch() {
    if (batch != null) {
      batch.leave(this);
    }
    outcomes.clear();
  }

  /** This task's windows waiting for a batch, oldest first; the thread batch takes from its head. */
  List<Pending> pending() {
    return pending;
  }

  /** Takes the outcome of one of this task's windows, scored in a batch; forwarded in this task's next call. */
  void accept(ThreadBatch.Outcome outcome) {
    outcomes.add(outcome);
  }

  /** Whether this task holds outcomes it has not forwarded yet. */
  boolean holdsOutcomes() {
    return !outcomes.isEmpty();
  }

  @Override
  public void process(Record<String, byte[]> record) {
    Window window;
    try {
      window = WindowCodec.decode(record.value());
    } catch (RuntimeException e) {
      deadLetter(record, Rejection.MALFORMED_WINDOW, String.valueOf(e.getMessage()), sourceOffset());
      return;
    }
    long key = nextKey++;
    long offset = sourceOffset();
    store.put(key, ByteBuffer.allocate(16 + record.value().length)
        .putLong(record.timestamp()).putLong(offset).put(record.value()).array());
    pending.add(new Pending(
        key, record.key() != null ? record.key() : window.entity(), record.timestamp(), offset, window,
        batch.arrived(), context.currentSystemTimeMs(), batch.scoringMs()));
    if (batch.full()) {
      batch.score(context.currentSystemTimeMs());
    }
    forwardOutcomes();
  }

  /**
   * Forwards what a batch scored elsewhere on this thread, scores the thread's batch when it is due,
   * and requests a commit of output still uncommitted.
   */
  private void tick(long now) {
    forwardOutcomes();
    if (batch.dueAt(now)) {
      batch.score(now);
      forwardOutcomes();
    }
    commitIfAllowed(now);
  }

  /**
   * Requests a commit once every task of the thread has forwarded its share of the last batch and the
   * thread's last request is {@value #COMMIT_GAP_MS} ms old ({@link ThreadBatch#commitDueAt}). Under
   * exactly-once nothing scored is visible before its transaction commits: commit soon rather than at
   * the next commit interval.
   */
  private void commitIfAllowed(long now) {
    if (batch.commitDueAt(now)) {
      context.commit();
    }
  }

  private void forwardOutcomes() {
    if (outcomes.isEmpty()) {
      return;
    }
    for (ThreadBatch.Outcome o : outcomes) {
      Pending p = o.window();
      store.delete(p.storeKey());
      if (o.rejection() != null) {
        deadLetter(new Record<>(p.key(), WindowCodec.encode(p.window()), p.timestamp()),
            Rejection.UNTOKENISABLE_WINDOW, o.rejection(), p.offset());
        continue;
      }
      context.forward(
          new Record<>(p.key(), new Outgoing(Topics.EMBEDDINGS, Json.bytes(o.embedding())), p.timestamp()));
      Classification c = o.classification();
      if (c != null) {
        context.forward(new Record<>(p.key(), new Outgoing(Topics.CLASSIFICATIONS, Json.bytes(c)), p.timestamp()));
        classificationsByLabel
            .computeIfAbsent(c.label(), label -> registry.counter("foresight.scorer.classifications", "label", label))
            .increment();
      }
      endToEnd.record(Math.max(0, System.currentTimeMillis() - p.timestamp()), TimeUnit.MILLISECONDS);
    }
    outcomes.clear();
    batch.forwarded();
    commitIfAllowed(context.currentSystemTimeMs());
  }

  /** The offset of the record being processed, or {@link DeadLetters#UNKNOWN}. */
  private long sourceOffset() {
    return context.recordMetadata().map(m -> m.offset()).orElse(DeadLetters.UNKNOWN);
  }

  /** Sends a rejected window to the DLQ; its partition is this task's, its offset the one given. */
  private void deadLetter(Record<String, byte[]> record, Rejection reason, String error, long offset) {
    var headers = deadLetters.headers(
        reason, error, null, Topics.WINDOWS, context.taskId().partition(), offset);
    context.forward(new Record<>(record.key(), new Outgoing(Topics.DLQ, record.value()), record.timestamp(), headers));
  }
}
