package io.foresight.score;

import ai.djl.MalformedModelException;
import io.foresight.classify.FittedClassifier;
import io.foresight.model.ForesightNet;
import io.foresight.wire.Checkpoint;
import io.foresight.wire.CheckpointCodec;
import io.foresight.wire.CorruptCheckpointException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model the scorer serves, swapped for a newer version without a restart.
 *
 * <p>Scoring threads {@link #acquire()} a lease on the current model and release it when their batch
 * is done; a swap publishes the new model at once and closes the old one only when its last lease is
 * released, so no in-flight batch ever sees a closed model. A lease carries the checkpoint's fitted
 * classifier, when it has one, with the net it was fitted on. A checkpoint that fails any check is
 * rejected and counted, never thrown, and the previous version keeps serving.
 *
 * <p>Meters: {@code foresight.scorer.swaps} (counter), {@code foresight.scorer.model.version} (gauge, 0
 * before the first model), {@code foresight.scorer.checkpoints.rejected} (counter, each reason
 * registered at zero), tag {@code reason}:
 *
 * <ul>
 *   <li>{@code checksum}: not a checkpoint, or its SHA-256 does not match (truncated, corrupted);
 *   <li>{@code format}: a container format version this build does not read;
 *   <li>{@code layout}: lengths inside the container that do not add up, or a section twice;
 *   <li>{@code header}: the header is unreadable, lacks its config, tokeniser or version, holds a size
 *       above its bound, or class names that do not match the head;
 *   <li>{@code version}: a model version outside [0, 2^53];
 *   <li>{@code sections}: a part of the net missing, unknown, or shorter than its parameters;
 *   <li>{@code classifier}: the fitted classifier is unreadable or reads another embedding size;
 *   <li>{@code architecture}: the parameters do not load into the recorded architecture (or, for a
 *       checkpoint offered decoded, a part is missing);
 *   <li>{@code non-finite}: NaN or infinite weights (a diverged training run);
 *   <li>{@code stale}: not newer than the version serving.
 * </ul>
 */
public final class ModelHolder implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ModelHolder.class);

  /** A loaded model and the leases on it; the holder's own reference counts as one. */
  public static final class Lease implements AutoCloseable {
    private final ForesightNet net;
    private final long version;
    private final List<String> classNames;
    private final FittedClassifier classifier;
    private final AtomicInteger references = new AtomicInteger(1);

    private Lease(ForesightNet net, long version, List<String> classNames, FittedClassifier classifier) {
      this.net = net;
      this.version = version;
      this.classNames = classNames;
      this.classifier = classifier;
    }

    public ForesightNet net() {
      return net;
    }

    public long version() {
      return version;
    }

    /** The classifier fitted on frozen features of this net, or null: then the net's own head, if any. */
    public FittedClassifier classifier() {
      return classifier;
    }

    /** The classes served: the fitted classifier's, else those of the net's head; empty for none. */
    public List<String> classNames() {
      return classNames;
    }

    private boolean retain() {
      while (true) {
        int count = references.get();
        if (count == 0) {
          return false; // closed between the read of the current model and this call
        }
        if (references.compareAndSet(count, count + 1)) {
          return true;
        }
      }
    }

    /** Releases the lease; the last release closes the model. */
    @Override
    public void close() {
      if (references.decrementAndGet() == 0) {
        net.close();
      }
    }

    boolean isClosed() {
      return references.get() == 0;
    }
  }

  /** Every value of the rejection counter's reason tag: the codec's, then the holder's own. */
  static final List<String> REASONS =
      Stream.concat(
              Arrays.stream(CorruptCheckpointException.Reason.values()).map(CorruptCheckpointException.Reason::tag),
              Stream.of("architecture", "non-finite", "stale"))
          .toList();

  private final AtomicReference<Lease> current = new AtomicReference<>();
  private final Counter swaps;
  private final MeterRegistry registry;

  public ModelHolder(MeterRegistry registry) {
    this.registry = registry;
    this.swaps = registry.counter("foresight.scorer.swaps");
    Gauge.builder("foresight.scorer.model.version", this, ModelHolder::version).register(registry);
    for (String reason : REASONS) {
      registry.counter("foresight.scorer.checkpoints.rejected", "reason", reason); // at zero for dashboards
    }
  }

  /** A lease on the current model, or null before the first one; close it when done. */
  public Lease acquire() {
    while (true) {
      Lease lease = current.get();
      if (lease == null || lease.retain()) {
        return lease;
      }
    }
  }

  /**
   * Decodes and validates a checkpoint and swaps it in when it is newer.
   *
   * @return true when it was swapped in
   */
  public boolean offer(byte[] encoded) {
    Checkpoint checkpoint;
    try {
      checkpoint = CheckpointCodec.decode(encoded);
    } catch (CorruptCheckpointException e) {
      reject(e.reason().tag(), e.getMessage());
      return false;
    }
    return offer(checkpoint);
  }

  /** Validates a decoded checkpoint and swaps it in when it is newer. */
  public boolean offer(Checkpoint checkpoint) {
    if (checkpoint.modelVersion() <= version()) {
      reject("stale", "version " + checkpoint.modelVersion() + " is not newer than " + version());
      return false;
    }
    ForesightNet net;
    try {
      net = checkpoint.toNet();
    } catch (MalformedModelException | RuntimeException e) {
      reject("architecture", e.getMessage());
      return false;
    }
    String nonFinite = net.firstNonFiniteParameter();
    if (nonFinite != null) {
      net.close();
      reject("non-finite", "version " + checkpoint.modelVersion() + " has NaN or infinite weights in " + nonFinite);
      return false;
    }
    Lease fresh =
        new Lease(net, checkpoint.modelVersion(), checkpoint.servedClasses(), checkpoint.classifier());
    Lease old = current.getAndSet(fresh);
    swaps.increment();
    LOG.info(
        "serving model version {}{}",
        fresh.version,
        fresh.classNames().isEmpty() ? " (no classifier yet)" : " with classes " + fresh.classNames());
    if (old != null) {
      old.close(); // the holder's reference; in-flight leases keep it open until they finish
    }
    return true;
  }

  private void reject(String reason, String why) {
    registry.counter("foresight.scorer.checkpoints.rejected", "reason", reason).increment();
    LOG.warn("rejected a checkpoint ({}): {}; version {} keeps serving", reason, why, version());
  }

  /** The version serving now, 0 before the first. */
  public long version() {
    Lease lease = current.get();
    return lease == null ? 0 : lease.version;
  }

  public boolean hasModel() {
    return current.get() != null;
  }

  @Override
  public void close() {
    Lease lease = current.getAndSet(null);
    if (lease != null) {
      lease.close();
    }
  }
}
