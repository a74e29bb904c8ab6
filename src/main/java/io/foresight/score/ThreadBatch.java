package io.foresight.score;

import io.foresight.classify.FittedClassifier;
import io.foresight.learn.Inference;
import io.foresight.model.Tokenizer;
import io.foresight.model.Tokenizer.Tokens;
import io.foresight.wire.Classification;
import io.foresight.wire.Embedding;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The windows pending in every scoring task of one stream thread, scored together in one forward pass.
 *
 * <p>Why per thread and not per task: Kafka Streams runs one processor per partition, and at live
 * rates each partition holds a window or two when its batch is due. Scored task by task, four
 * partitions on one thread paid four forward passes' fixed cost per cycle (about 4 ms each on one
 * core, as much as a 512-step window's own), the cycle grew, and latency became queueing. A thread
 * runs its tasks one at a time, so one batch across them needs no locking.
 *
 * <p>When: a batch is scored as soon as {@code batchSize} windows wait, or when the thread's input
 * pauses (no window arrived on any of its tasks between two checks, {@value
 * ScoringProcessor#PAUSE_CHECK_MS} ms apart), or when its oldest window has waited {@code maxWaitMs}
 * while windows kept arriving, not counting the thread's time in forward passes. Windows whose record
 * was already {@value #FRESH_MS} ms old on arrival are a backlog, where batches of {@code batchSize}
 * clear it fastest and latency is long lost: they wait up to {@value #BACKLOG_WAIT_MS} ms, while a
 * live window behind them still waits {@code maxWaitMs} at most. The check runs at
 * most once per interval, whichever task's punctuation comes first: in one punctuation round no
 * window can arrive, so a second check in the round would always see a pause.
 *
 * <p>Who forwards: a processor can forward only while its own task runs. The member whose call
 * scored the batch forwards its windows' outcomes at once; the others forward theirs in their next
 * punctuation (every {@value ScoringProcessor#PAUSE_CHECK_MS} ms, usually in the same round). The
 * commit is requested once the last of them has forwarded, so that one commit makes the whole batch
 * visible (Streams commits all of a thread's tasks when one asks). Until a window's outcome is
 * forwarded it stays in its task's pending store, so a task closed in between scores it again after it
 * is revived: exactly once still holds. A forward pass that throws puts its windows back.
 *
 * <p>Meters: {@code foresight.scorer.windows} (counter), {@code foresight.scorer.batch.size}
 * (distribution summary, windows per forward pass across the thread's tasks), {@code
 * foresight.scorer.batch.latency} (timer, one forward pass and the classifier on its features, with
 * percentile histogram buckets), {@code foresight.scorer.batch.wait} (timer, from a window's arrival
 * at its task to the start of its forward pass, with percentile histogram buckets), {@code
 * foresight.scorer.surprise} (distribution summary, nats).
 */
final class ThreadBatch {

  /** What became of one window of a batch, for its task to forward; {@code rejection} when none. */
  record Outcome(
      ScoringProcessor.Pending window, Embedding embedding, Classification classification, String rejection) {}

  /** A window whose record is younger than this when it arrives is live: its latency counts. */
  static final long FRESH_MS = 1_000;

  /**
   * How long a batch of backlog windows (older than {@link #FRESH_MS}) keeps filling while windows keep
   * arriving: through a backlog latency no longer counts, and full batches are what clear it.
   */
  static final long BACKLOG_WAIT_MS = 100;

  private final ModelHolder models;
  private final ScoringTopology.Options options;
  private final long checkIntervalMs;
  private final List<ScoringProcessor> members = new ArrayList<>();
  private final Counter windowsScored;
  private final DistributionSummary batchSize;
  private final Timer batchLatency;
  private final Timer batchWait;
  private final DistributionSummary surprise;

  /** Arrival order across the members, so that a capped batch takes the oldest windows. */
  private long nextSequence;
  private boolean arrivedSinceCheck;
  private long lastCheckMs = Long.MIN_VALUE;
  /** Milliseconds this thread has spent in forward passes; windows do not age while it scores. */
  private long scoringMs;
  private long lastCommitRequestMs = Long.MIN_VALUE;
  /** Whether a member forwarded output since the thread's last commit request. */
  private boolean uncommitted;

  ThreadBatch(ModelHolder models, ScoringTopology.Options options, MeterRegistry registry) {
    this.models = models;
    this.options = options;
    this.checkIntervalMs = Math.min(ScoringProcessor.PAUSE_CHECK_MS, options.maxWaitMs());
    this.windowsScored = registry.counter("foresight.scorer.windows");
    this.batchSize = registry.summary("foresight.scorer.batch.size");
    this.batchLatency =
        Timer.builder("foresight.scorer.batch.latency")
            .publishPercentileHistogram()
            .maximumExpectedValue(Duration.ofSeconds(30))
            .register(registry);
    this.batchWait =
        Timer.builder("foresight.scorer.batch.wait")
            .publishPercentileHistogram()
            .maximumExpectedValue(Duration.ofSeconds(30))
            .register(registry);
    this.surprise = registry.summary("foresight.scorer.surprise");
  }

  /** One batch per stream thread, made on the thread's first use. */
  static ThreadLocal<ThreadBatch> perThread(
      ModelHolder models, ScoringTopology.Options options, MeterRegistry registry) {
    return ThreadLocal.withInitial(() -> new ThreadBatch(models, options, registry));
  }

  void join(ScoringProcessor member) {
    if (!members.contains(member)) {
      members.add(member);
    }
  }

  void leave(ScoringProcessor member) {
    members.remove(member);
  }

  /** The least time between two checks; also the members' punctuation interval. */
  long checkIntervalMs() {
    return checkIntervalMs;
  }

  /** Notes a window's arrival; returns its place in the thread's arrival order. */
  long arrived() {
    arrivedSinceCheck = true;
    return nextSequence++;
  }

  long scoringMs() {
    return scoringMs;
  }

  boolean full() {
    return pendingCount() >= options.batchSize();
  }

  /**
   * Whether the batch should be scored now: the thread's input paused since the last check, or its
   * oldest live window has waited {@code maxWaitMs}, or its oldest window {@link #BACKLOG_WAIT_MS}.
   * Checks at most once per {@link #checkIntervalMs()}.
   */
  boolean dueAt(long nowMs) {
    if (lastCheckMs != Long.MIN_VALUE && nowMs - lastCheckMs < checkIntervalMs) {
      return false;
    }
    boolean paused = !arrivedSinceCheck;
    arrivedSinceCheck = false;
    lastCheckMs = nowMs;
    if (paused) {
      return pendingCount() > 0;
    }
    // Live windows wait maxWaitMs at most even behind backlog ones, which wait BACKLOG_WAIT_MS.
    ScoringProcessor.Pending oldestLive = oldest(true);
    ScoringProcessor.Pending oldest = oldest(false);
    return (oldestLive != null && filling(oldestLive, nowMs) >= options.maxWaitMs())
        || (oldest != null && filling(oldest, nowMs) >= BACKLOG_WAIT_MS);
  }

  /** How long a window has waited, not counting the thread's forward passes since it arrived. */
  private long filling(ScoringProcessor.Pending p, long nowMs) {
    return nowMs - p.arrivalMs() - (scoringMs - p.scoringMsAtArrival());
  }

  private static boolean live(ScoringProcessor.Pending p) {
    return p.arrivalMs() - p.timestamp() < FRESH_MS;
  }

  /**
   * Notes that a member forwarded the outcomes it held; its output, and every other member's, now
   * waits for a commit.
   */
  void forwarded() {
    uncommitted = true;
  }

  /**
   * Whether a member should request a commit now: output waits, every member has forwarded its share
   * of the last batch (one commit then covers them all: Streams commits all of a thread's tasks when
   * one asks), and the thread's last request is {@link ScoringProcessor#COMMIT_GAP_MS} old. A true
   * answer counts as the request.
   */
  boolean commitDueAt(long nowMs) {
    if (!uncommitted) {
      return false;
    }
    for (ScoringProcessor m : members) {
      if (m.holdsOutcomes()) {
        return false;
      }
    }
    if (lastCommitRequestMs != Long.MIN_VALUE && nowMs - lastCommitRequestMs < ScoringProcessor.COMMIT_GAP_MS) {
      return false;
    }
    lastCommitRequestMs = nowMs;
    uncommitted = false;
    return true;
  }

  private int pendingCount() {
    int n = 0;
    for (ScoringProcessor m : members) {
      n += m.pending().size();
    }
    return n;
  }

  /** The thread's oldest pending window, or its oldest live one; null when there is none. */
  private ScoringProcessor.Pending oldest(boolean liveOnly) {
    ScoringProcessor.Pending oldest = null;
    for (ScoringProcessor m : members) {
      for (ScoringProcessor.Pending p : m.pending()) {
        if (!liveOnly || live(p)) {
          if (oldest == null || p.sequence() < oldest.sequence()) {
            oldest = p;
          }
          break; // a member's list is in arrival order: its first match is its oldest
        }
      }
    }
    return oldest;
  }

  /**
   * Scores up to {@code batchSize} of the thread's oldest pending windows under a lease on the current
   * model and hands each member the outcomes of its own; nothing happens while there is no model.
   *
   * @param nowMs the calling member's clock, the one its windows' arrival times were read from
   */
  void score(long nowMs) {
    if (pendingCount() == 0) {
      return;
    }
    try (ModelHolder.Lease lease = models.acquire()) {
      if (lease == null) {
        return; // no model yet: the windows wait in their stores
      }
      List<Taken> batch = take(options.batchSize());
      try {
        score(lease, batch, nowMs);
      } catch (RuntimeException | Error e) {
        giveBack(batch); // unscored, the windows wait for the next attempt
        throw e;
      }
      for (Taken t : batch) {
        t.owner().accept(t.outcome());
      }
    }
  }

  /** A window taken from a member's pending list, and the outcome it is given when scored. */
  private static final class Taken {
    private final ScoringProcessor owner;
    private final ScoringProcessor.Pending window;
    private Outcome outcome;

    Taken(ScoringProcessor owner, ScoringProcessor.Pending window) {
      this.owner = owner;
      this.window = window;
    }

    ScoringProcessor owner() {
      return owner;
    }

    Outcome outcome() {
      return outcome;
    }
  }

  /** Removes the oldest {@code limit} pending windows from the members, in arrival order. */
  private List<Taken> take(int limit) {
    List<Taken> all = new ArrayList<>();
    for (ScoringProcessor m : members) {
      for (ScoringProcessor.Pending p : m.pending()) {
        all.add(new Taken(m, p));
      }
    }
    all.sort(Comparator.comparingLong(t -> t.window.sequence()));
    List<Taken> taken = all.subList(0, Math.min(limit, all.size()));
    for (ScoringProcessor m : members) {
      int n = 0;
      for (Taken t : taken) {
        n += t.owner == m ? 1 : 0;
      }
      m.pending().subList(0, n).clear(); // a member's pending list is in arrival order too
    }
    return new ArrayList<>(taken);
  }

  /** Puts taken windows back at the head of their members' pending lists, in arrival order. */
  private void giveBack(List<Taken> batch) {
    for (ScoringProcessor m : members) {
      List<ScoringProcessor.Pending> own = new ArrayList<>();
      for (Taken t : batch) {
        if (t.owner == m) {
          own.add(t.window);
        }
      }
      m.pending().addAll(0, own);
    }
  }

  private void score(ModelHolder.Lease lease, List<Taken> batch, long nowMs) {
    Tokenizer tokenizer = lease.net().tokenizer();
    List<Taken> scorable = new ArrayList<>(batch.size());
    List<Tokens> tokens = new ArrayList<>(batch.size());
    for (Taken t : batch) {
      try {
        // Ingest keeps out-of-range values out; clamping here means a model whose tokeniser differs
        // from ingest's still scores every window instead of failing the stream.
        tokens.add(tokenizer.encode(t.window.window().doubles(), Tokenizer.OutOfRange.CLAMP));
        scorable.add(t);
      } catch (IllegalArgumentException e) {
        t.outcome = new Outcome(t.window, null, null, String.valueOf(e.getMessage()));
      }
    }
    if (scorable.isEmpty()) {
      return;
    }
    for (Taken t : scorable) {
      batchWait.record(Math.max(0, nowMs - t.window.arrivalMs()), TimeUnit.MILLISECONDS);
    }
    long start = System.nanoTime();
    Inference.Output out = Inference.run(lease.net(), tokens, options.batchSize(), Inference.MAX_BATCH_STEPS);
    float[][] probabilities = classify(lease, scorable, out);
    long elapsed = System.nanoTime() - start;
    batchLatency.record(elapsed, TimeUnit.NANOSECONDS);
    scoringMs += TimeUnit.NANOSECONDS.toMillis(elapsed);
    batchSize.record(scorable.size());
    windowsScored.increment(scorable.size());
    List<String> classes = lease.classNames();
    for (int i = 0; i < scorable.size(); i++) {
      Taken t = scorable.get(i);
      var w = t.window.window();
      double s = out.surprise()[i];
      if (Double.isFinite(s)) {
        surprise.record(s);
      }
      Embedding embedding = new Embedding(w.entity(), w.endTs(), out.embeddings()[i], s, lease.version());
      Classification classification = null;
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
        classification =
            new Classification(w.entity(), w.startTs(), w.endTs(), classes.get(best), byClass, s, lease.version());
      }
      t.outcome = new Outcome(t.window, embedding, classification, null);
    }
  }

  /**
   * Class probabilities of each window: from the fitted classifier on frozen features when the model
   * has one (MiniRocket's features of the window beside its embedding), else from the net's own head
   * (an offline {@code finetune}), else null: a model without a fitted classifier classifies nothing.
   */
  private static float[][] classify(ModelHolder.Lease lease, List<Taken> windows, Inference.Output out) {
    FittedClassifier classifier = lease.classifier();
    if (classifier == null) {
      return out.probabilities();
    }
    float[][] probabilities = new float[windows.size()][];
    for (int i = 0; i < windows.size(); i++) {
      double[] p =
          classifier.probabilities(
              classifier.rocketFeatures(windows.get(i).window.window().doubles()), out.embeddings()[i]);
      probabilities[i] = new float[p.length];
      for (int k = 0; k < p.length; k++) {
        probabilities[i][k] = (float) p[k];
      }
    }
    return probabilities;
  }
}
