package io.foresight.train;

import io.foresight.classify.FittedClassifier;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.foresight.wire.DeadLetters;

/**
 * The trainer's meters, registered once when the service starts.
 *
 * <ul>
 *   <li>{@code foresight.trainer.steps} (counter): optimiser steps.
 *   <li>{@code foresight.trainer.errors} (counter): loop iterations that failed and were retried.
 *   <li>{@code foresight.trainer.windows} (counter): windows trained on; its rate is the throughput.
 *   <li>{@code foresight.trainer.loss} (gauge, tag {@code part} = pretext): the last step's
 *       self-supervised loss.
 *   <li>{@code foresight.trainer.model.version} (gauge): the last version published.
 *   <li>{@code foresight.trainer.checkpoints.published} (counter).
 *   <li>{@code foresight.trainer.rollbacks} (counter): times the weights diverged to NaN or infinity
 *       and training went back to the last good ones.
 *   <li>{@code foresight.trainer.buffer.windows} (gauge): windows in the replay buffer.
 *   <li>{@code foresight.trainer.labelled.windows} (gauge): labelled windows kept for the classifier.
 *   <li>{@code foresight.trainer.classifier.fits} (counter) and {@code
 *       foresight.trainer.classifier.fit.duration} (timer): fits of the live classifier.
 *   <li>{@code foresight.trainer.classifier.accuracy} (gauge): the cross-validated accuracy of the last
 *       classifier fitted, on its labelled windows; NaN before the first.
 *   <li>{@code foresight.trainer.classifier.windows}, {@code foresight.trainer.classifier.entities},
 *       {@code foresight.trainer.classifier.classes} (gauges): what the last classifier was fitted on.
 *   <li>{@code foresight.trainer.labels} (counter, tag {@code action} = added | retracted).
 *   <li>{@code foresight.dlq.records} (counter, tags {@code service} = trainer, {@code reason} =
 *       malformed-window | untokenisable-window | malformed-label | too-many-classes |
 *       too-many-labelled-entities), each registered at zero.
 * </ul>
 */
final class TrainerMetrics {

  /** Why the trainer rejects a record. */
  enum Rejection implements DeadLetters.Reason {
    /** Not a window record. */
    MALFORMED_WINDOW("malformed-window"),
    /** A value outside the model's tokeniser, or a window shorter than two steps. */
    UNTOKENISABLE_WINDOW("untokenisable-window"),
    /** A label without a key, not JSON, or without a non-blank label. */
    MALFORMED_LABEL("malformed-label"),
    /** A label naming a class beyond {@code --max-classes}. */
    TOO_MANY_CLASSES("too-many-classes"),
    /** A label for a new entity while {@code --max-labelled-entities} entities already have one. */
    TOO_MANY_LABELLED_ENTITIES("too-many-labelled-entities");

    private final String code;

    Rejection(String code) {
      this.code = code;
    }

    @Override
    public String code() {
      return code;
    }
  }

  final DeadLetters deadLetters;
  final Counter steps;
  final Counter errors;
  final Counter windows;
  final Counter published;
  final Counter rollbacks;
  final Counter fits;
  final Timer fitDuration;
  final Counter labelsAdded;
  final Counter labelsRetracted;
  volatile double pretextLoss = Double.NaN;
  volatile long version;
  volatile int bufferWindows;
  volatile int labelledWindows;
  private volatile FittedClassifier.Quality quality;
  private volatile int classes;

  TrainerMetrics(MeterRegistry registry) {
    steps = registry.counter("foresight.trainer.steps");
    errors = registry.counter("foresight.trainer.errors");
    windows = registry.counter("foresight.trainer.windows");
    published = registry.counter("foresight.trainer.checkpoints.published");
    rollbacks = registry.counter("foresight.trainer.rollbacks");
    fits = registry.counter("foresight.trainer.classifier.fits");
    fitDuration = Timer.builder("foresight.trainer.classifier.fit.duration").register(registry);
    labelsAdded = registry.counter("foresight.trainer.labels", "action", "added");
    labelsRetracted = registry.counter("foresight.trainer.labels", "action", "retracted");
    Gauge.builder("foresight.trainer.loss", this, m -> m.pretextLoss).tag("part", "pretext").register(registry);
    Gauge.builder("foresight.trainer.model.version", this, m -> m.version).register(registry);
    Gauge.builder("foresight.trainer.buffer.windows", this, m -> m.bufferWindows).register(registry);
    Gauge.builder("foresight.trainer.labelled.windows", this, m -> m.labelledWindows).register(registry);
    Gauge.builder("foresight.trainer.classifier.accuracy", this,
        m -> m.quality == null ? Double.NaN : m.quality.crossValidatedAccuracy()).register(registry);
    Gauge.builder("foresight.trainer.classifier.windows", this,
        m -> m.quality == null ? 0 : m.quality.labelledWindows()).register(registry);
    Gauge.builder("foresight.trainer.classifier.entities", this,
        m -> m.quality == null ? 0 : m.quality.labelledEntities()).register(registry);
    Gauge.builder("foresight.trainer.classifier.classes", this, m -> m.classes).register(registry);
    deadLetters = DeadLetters.register(registry, "trainer", Rejection.values());
  }

  void fitted(FittedClassifier classifier) {
    quality = classifier.quality();
    classes = classifier.classes().size();
  }

  /** The quality of the last classifier fitted, or null. */
  FittedClassifier.Quality quality() {
    return quality;
  }
}
