package io.foresight.score;

import io.foresight.classify.FittedClassifier;
import io.foresight.learn.Inference;
import io.foresight.model.Tokenizer;
import io.foresight.model.Tokenizer.Tokens;
import io.foresight.wire.Classification;
import io.foresight.wire.DeadLetters;
import io.foresight.wire.Embedding;
import io.foresight.wire.Json;
import io.foresight.wire.Topics;
import io.foresight.wire.Window;
import io.foresight.wire.WindowCodec;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
 * Scores windows in micro-batches: a window waits in the pending store until {@code batchSize} have
 * gathered, or its partition's input pauses (no window arrived between two checks, {@value
 * #PAUSE_CHECK_MS} ms apart), or it has waited {@code maxWaitMs} while windows kept arriving; then the
 * whole batch goes through one forward pass under a lease on the current model, and a commit is
 * requested so that the results become visible at once rather than at the next commit interval.
 * Each window yields one embedding and, when the model has a fitted classifier, one classification, both
 * stamped with the model version and carrying the timestamp of the window's record (that of the
 * timestep that completed it).
 *
 * <p>Why a store and not a list: under exactly-once the offsets of the windows read are committed in
 * the same transaction as the store's changelog, so a window that waits across a commit is restored
 * after a crash instead of being lost.
 *
 * <p>Meters: {@code foresight.scorer.windows} (counter), {@code foresight.scorer.batch.size}
 * (distribution summary), {@code foresight.scorer.batch.latency} (timer, one forward pass and the classifier on its features, with
 * percentile histogram buckets), {@code
 * foresight.scorer.classifications} (counter, tag label), {@code foresight.scorer.surprise}
 * (distribution summary, nats), {@code foresight.e2e.latency} (timer, from the record timestamp of the
 * completing timestep to the moment its classification is handed to Kafka; percentiles 0.5, 0.99),
 * {@code foresight.dlq.records} (counter, service=scorer, reason=malformed-window|untokenisable-window,
 * both registered at zero).
 *
 * <p>The pending store holds, per window, its record timestamp and source offset (for the DLQ
 * headers of a window rejected when its batch is scored) and the window's bytes.
 */
final class ScoringProcessor implements Processor<String, byte[], String, ScoringProcessor.Outgoing> {

  /** How often a partial batch is checked for a pause in its partition's input. */
  static final long PAUSE_CHECK_MS = 5;

  /** Least time between two commits this processor requests. */
  static final long COMMIT_GAP_MS = 100;

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

  private final ModelHolder models;
  private final ScoringTopology.Options options;
  private final Counter windowsScored;
  private final DistributionSummary batchSize;
  private final Timer batchLatency;
  private final Timer endToEnd;
  private final DistributionSummary surprise;
  private final MeterRegistry registry;
  private final DeadLetters deadLetters;
  private final List<Pending> pending = new ArrayList<>();
  private final Map<String, Counter> classificationsByLabel = new java.util.HashMap<>();
  /**
   * Milliseconds the current stream thread has spent in forward passes. A thread runs its tasks'
   * processors one at a time, so while it scores one partition's batch no window can reach another's:
   * that time does not count as waiting for a batch to fill.
   */
  private static final ThreadLocal<long[]> THREAD_SCORING_MS = ThreadLocal.withInitial(() -> new long[1]);

  /** Wall-clock time the oldest pending window arrived, and the thread's scoring time then. */
  private long oldestPendingMs;
  private long scoringMsAtOldest;
  /** Whether a window arrived since the last check: while they keep coming, the batch keeps filling. */
  private boolean arrivedSinceCheck;
  private ProcessorContext<String, Outgoing> context;
  private KeyValueStore<Long, byte[]> store;
  private long nextKey;
  private boolean uncommitted;
  private long lastCommitMs;

  /** A window waiting for its batch, with the key under which the store holds it and its source offset. */
  private record Pending(long storeKey, String key, long timestamp, long offset, Window window) {}

  ScoringProcessor(ModelHolder models, ScoringTopology.Options options, MeterRegistry registry) {
    this.models = models;
    this.options = options;
    this.registry = registry;
    this.windowsScored = registry.counter("foresight.scorer.windows");
    this.batchSize = registry.summary("foresight.scorer.batch.size");
    this.batchLatency =
        Timer.builder("foresight.scorer.batch.latency")
            .publishPercentileHistogram()
            .maximumExpectedValue(Duration.ofSeconds(30))
            .register(registry);
    this.endToEnd =
        Timer.builder("foresight.e2e.latency")
            .publishPercentiles(0.5, 0.99)
            .publishPercentileHistogram()
            .maximumExpectedValue(Duration.ofSeconds(30))
            .register(registry);
    this.surprise = registry.summary("foresight.scorer.surprise");
    this.deadLetters = DeadLetters.register(registry, "scorer", Rejection.values());
  }

  @Override
  public void init(ProcessorContext<String, Outgoing> context) {
    this.context = context;
    this.store = context.getStateStore(ScoringTopology.PENDING_STORE);
    // Streams may revive a task in the same processor (a commit that timed out, TaskCorruptedException):
    // the store is then the whole truth, and windows still listed from before would be scored twice.
    pending.clear();
    nextKey = 0;
    // Windows restored from the changelog after a crash are scored first.
    try (KeyValueIterator<Long, byte[]> it = store.all()) {
      while (it.hasNext()) {
        var entry = it.next();
        ByteBuffer bytes = ByteBuffer.wrap(entry.value);
        long timestamp = bytes.getLong();
        long offset = bytes.getLong();
        byte[] window = new byte[bytes.remaining()];
        bytes.get(window);
        Window decoded = WindowCodec.decode(window);
        pending.add(new Pending(entry.key, decoded.entity(), timestamp, offset, decoded));
        nextKey = Math.max(nextKey, entry.key + 1);
      }
    }
    pending.sort(java.util.Comparator.comparingLong(Pending::storeKey));
    context.schedule(
        Duration.ofMillis(Math.min(PAUSE_CHECK_MS, options.maxWaitMs())),
        PunctuationType.WALL_CLOCK_TIME,
        this::flushIfPaused);
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
    if (pending.isEmpty()) {
      oldestPendingMs = context.currentSystemTimeMs();
      scoringMsAtOldest = THREAD_SCORING_MS.get()[0];
    }
    pending.add(new Pending(
        key, record.key() != null ? record.key() : window.entity(), record.timestamp(), offset, window));
    arrivedSinceCheck = true;
    if (pending.size() >= options.batchSize()) {
      flush();
    }
  }

  /**
   * Scores a partial batch when the input has paused, or when its oldest window has waited {@code
   * maxWaitMs}, not counting the thread's time in forward passes. Why not on a plain timer: while this
   * thread runs another partition's forward pass, windows here age without the input having paused,
   * and scoring them then split a backlog into small batches; and a timer short enough for latency
   * also made Kafka Streams, which halves the records it processes per loop after each punctuation,
   * hand over windows one at a time. Under a backlog every check sees new windows, so batches fill.
   * Keep maxWaitMs short all the same: a scorer short of CPU sees new windows at every check too.
   */
  private void flushIfPaused(long now) {
    long filling = now - oldestPendingMs - (THREAD_SCORING_MS.get()[0] - scoringMsAtOldest);
    if (!pending.isEmpty() && (!arrivedSinceCheck || filling >= options.maxWaitMs())) {
      flush();
    }
    arrivedSinceCheck = false;
    commitIfDue(now);
  }

  /**
   * Requests a commit of scored output when some is waiting and the last request is {@value
   * #COMMIT_GAP_MS} ms old. Why not a commit per batch: while windows trickle in, batches hold one
   * window each, and an exactly-once commit per window (producer flush, transaction markers) left the
   * demo's scorer committing more than scoring, behind the arrival rate.
   */
  private void commitIfDue(long now) {
    if (uncommitted && now - lastCommitMs >= COMMIT_GAP_MS) {
      context.commit();
      uncommitted = false;
      lastCommitMs = now;
    }
  }

  private void flush() {
    if (pending.isEmpty()) {
      return;
    }
    try (ModelHolder.Lease lease = models.acquire()) {
      if (lease == null) {
        return; // no model yet: the windows wait in the store
      }
      List<Pending> batch = new ArrayList<>(pending);
      pending.clear();
      score(lease, batch);
    }
  }

  private void score(ModelHolder.Lease lease, List<Pending> batch) {
    Tokenizer tokenizer = lease.net().tokenizer();
    List<Pending> scorable = new ArrayList<>(batch.size());
    List<Tokens> tokens = new ArrayList<>(batch.size());
    for (Pending p : batch) {
      try {
        // Ingest keeps out-of-range values out; clamping here means a model whose tokeniser differs
        // from ingest's still scores every window instead of failing the stream.
        tokens.add(tokenizer.encode(p.window.doubles(), Tokenizer.OutOfRange.CLAMP));
        scorable.add(p);
      } catch (IllegalArgumentException e) {
        store.delete(p.storeKey);
        deadLetter(new Record<>(p.key, WindowCodec.encode(p.window), p.timestamp),
            Rejection.UNTOKENISABLE_WINDOW, e.getMessage(), p.offset);
      }
    }
    if (scorable.isEmpty()) {
      return;
    }
    long start = System.nanoTime();
    Inference.Output out = Inference.run(lease.net(), tokens, options.batchSize(), Inference.MAX_BATCH_STEPS);
    float[][] probabilities = classify(lease, scorable, out);
    long elapsed = System.nanoTime() - start;
    batchLatency.record(elapsed, TimeUnit.NANOSECONDS);
    THREAD_SCORING_MS.get()[0] += TimeUnit.NANOSECONDS.toMillis(elapsed);
    batchSize.record(scorable.size());
    List<String> classes = lease.classNames();
    for (int i = 0; i < scorable.size(); i++) {
      Pending p = scorable.get(i);
      Window w = p.window;
      double s = out.surprise()[i];
      context.forward(
          new Record<>(
              p.key,
              new Outgoing(
                  Topics.EMBEDDINGS,
                  Json.bytes(new Embedding(w.entity(), w.endTs(), out.embeddings()[i], s, lease.version()))),
              p.timestamp));
      if (probabilities != null) {
        float[] row = probabilities[i];
        Map<String, Double> byClass = new LinkedHashMap<>();
        int best = 0;
        for (int k = 0; k < row.length; k++) {
          byClass.put(classes.get(k), (double) row[k]);
          if (row[k] > row[best]) {
            best = k;
          }
        }
        Classification c =
            new Classification(
                w.entity(), w.startTs(), w.endTs(), classes.get(best), byClass, s, lease.version());
        context.forward(new Record<>(p.key, new Outgoing(Topics.CLASSIFICATIONS, Json.bytes(c)), p.timestamp));
        classificationsByLabel
            .computeIfAbsent(c.label(), label -> registry.counter("foresight.scorer.classifications", "label", label))
            .increment();
      }
      store.delete(p.storeKey);
      if (Double.isFinite(s)) {
        surprise.record(s);
      }
      endToEnd.record(Math.max(0, System.currentTimeMillis() - p.timestamp), TimeUnit.MILLISECONDS);
    }
    windowsScored.increment(scorable.size());
    // Under exactly-once nothing scored is visible before its transaction commits: commit soon rather
    // than at the next commit interval, but not more often than every COMMIT_GAP_MS.
    uncommitted = true;
    commitIfDue(context.currentSystemTimeMs());
  }

  /**
   * Class probabilities of each window: from the fitted classifier on frozen features when the model
   * has one (MiniRocket's features of the window beside its embedding), else from the net's own head
   * (an offline {@code finetune}), else null: a model without a fitted classifier classifies nothing.
   */
  private static float[][] classify(ModelHolder.Lease lease, List<Pending> windows, Inference.Output out) {
    FittedClassifier classifier = lease.classifier();
    if (classifier == null) {
      return out.probabilities();
    }
    float[][] probabilities = new float[windows.size()][];
    for (int i = 0; i < windows.size(); i++) {
      double[] p =
          classifier.probabilities(
              classifier.rocketFeatures(windows.get(i).window.doubles()), out.embeddings()[i]);
      probabilities[i] = new float[p.length];
      for (int k = 0; k < p.length; k++) {
        probabilities[i][k] = (float) p[k];
      }
    }
    return probabilities;
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
