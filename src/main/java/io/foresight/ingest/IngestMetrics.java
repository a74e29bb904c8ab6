package io.foresight.ingest;

import io.foresight.wire.DeadLetters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;

/**
 * The ingest meters, registered once per topology and shared by its processors (Micrometer meters are
 * thread-safe), so that no record pays for a registry lookup.
 *
 * <ul>
 *   <li>{@code foresight.ingest.timesteps} (counter): steps accepted into a buffer.
 *   <li>{@code foresight.ingest.windows} (counter, tag {@code mode} = sliding | sequence): windows
 *       forwarded to {@code foresight.windows}.
 *   <li>{@code foresight.ingest.window.length} (distribution summary, tag {@code mode}): steps per
 *       forwarded window.
 *   <li>{@code foresight.ingest.timesteps.dropped} (counter, tag {@code reason} = duplicate | expired):
 *       steps dropped because their event time was already accepted for their entity, or because their
 *       entity was forgotten after the entity TTL with a sliding window still partial.
 *   <li>{@code foresight.ingest.entities.expired} (counter): entities forgotten after the entity TTL.
 *   <li>{@code foresight.ingest.sequences.closed} (counter, tag {@code cause} = end | gap | max-length):
 *       sequence-mode windows by what closed them.
 *   <li>{@code foresight.ingest.end.ignored} (counter, tag {@code reason} = empty | sliding): end markers
 *       that closed nothing, because the entity had no open sequence or because windows slide.
 *   <li>{@code foresight.dlq.records} (counter, tags {@code service} = ingest, {@code reason} = a
 *       {@link Reason#code()}): records sent to {@code foresight.dlq}.
 * </ul>
 */
final class IngestMetrics {

  /** What closed a sequence window. */
  enum Cause {
    END("end"),
    GAP("gap"),
    MAX_LENGTH("max-length");

    final String tag;

    Cause(String tag) {
      this.tag = tag;
    }
  }

  final Counter timesteps;
  final Counter windows;
  final DistributionSummary windowLength;
  final Counter duplicates;
  final Counter endOnEmpty;
  final Counter endWhileSliding;
  final Counter entitiesExpired;
  final Counter expiredSteps;
  final DeadLetters deadLetters;
  private final Map<Cause, Counter> closed = new EnumMap<>(Cause.class);

  IngestMetrics(MeterRegistry registry, WindowSpec.Mode mode) {
    timesteps = Counter.builder("foresight.ingest.timesteps")
        .description("Steps accepted into an entity buffer")
        .register(registry);
    windows = Counter.builder("foresight.ingest.windows")
        .description("Windows forwarded to foresight.windows")
        .tag("mode", mode.tag())
        .register(registry);
    windowLength = DistributionSummary.builder("foresight.ingest.window.length")
        .description("Steps per forwarded window")
        .baseUnit("steps")
        .tag("mode", mode.tag())
        .register(registry);
    duplicates = Counter.builder("foresight.ingest.timesteps.dropped")
        .description("Steps dropped: their event time already accepted, or their entity forgotten")
        .tag("reason", "duplicate")
        .register(registry);
    endOnEmpty = Counter.builder("foresight.ingest.end.ignored")
        .description("End markers that closed nothing")
        .tag("reason", "empty")
        .register(registry);
    entitiesExpired = Counter.builder("foresight.ingest.entities.expired")
        .description("Entities forgotten after the entity TTL of silence")
        .register(registry);
    expiredSteps = Counter.builder("foresight.ingest.timesteps.dropped")
        .description("Steps dropped: their event time already accepted, or their entity forgotten")
        .tag("reason", "expired")
        .register(registry);
    endWhileSliding = Counter.builder("foresight.ingest.end.ignored")
        .description("End markers that closed nothing")
        .tag("reason", "sliding")
        .register(registry);
    deadLetters = DeadLetters.register(registry, "ingest", Reason.values());
    for (Cause cause : Cause.values()) {
      closed.put(cause, Counter.builder("foresight.ingest.sequences.closed")
          .description("Sequence windows by what closed them")
          .tag("cause", cause.tag)
          .register(registry));
    }
  }

  Counter closed(Cause cause) {
    return closed.get(cause);
  }
}
