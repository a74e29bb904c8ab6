package io.foresight.bench;

import io.foresight.ops.StreamsApps;
import io.micrometer.core.instrument.Counter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;

/**
 * What the streaming benchmarks share: one run of a Streams app, with the services' settings
 * ({@link StreamsApps#properties}), until one of its counters reaches a target, and what it measured.
 *
 * @param secondsSinceRunning from the RUNNING state (start-up and group join left out) until the target
 *     was reached
 * @param steadyRate units per second after the counter was first seen above zero: task and transaction
 *     initialisation and the first fetch left out too, as {@link #rateAfterFirst} does for a plain
 *     client; NaN when the run ended before a first reading
 */
record StreamsAppRun(double secondsSinceRunning, double steadyRate) {

  private static final Duration TIMEOUT = Duration.ofMinutes(10);

  /**
   * Starts {@code topology} under a fresh application id with {@code threads} stream threads and waits
   * until {@code progress} counts {@code target}.
   *
   * @param what the counted unit, for the timeout message
   */
  static StreamsAppRun untilCounted(Topology topology, Map<String, Object> client, Path stateDir, int threads,
      Counter progress, long target, String what) throws InterruptedException {
    AtomicLong running = new AtomicLong();
    try (KafkaStreams streams =
        new KafkaStreams(
            topology, StreamsApps.properties(client, "bench-" + UUID.randomUUID(), stateDir, threads))) {
      streams.setStateListener((now, before) -> {
        if (now == KafkaStreams.State.RUNNING) {
          running.compareAndSet(0, System.nanoTime());
        }
      });
      streams.start();
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      long firstNanos = 0;
      long firstCount = 0;
      long count;
      while ((count = (long) progress.count()) < target) {
        if (System.nanoTime() > deadline || streams.state() == KafkaStreams.State.ERROR) {
          throw new IllegalStateException(
              "reached " + count + " of " + target + " " + what + "; state " + streams.state());
        }
        if (firstNanos == 0 && count > 0) {
          firstNanos = System.nanoTime();
          firstCount = count;
        }
        Thread.sleep(5);
      }
      StreamsAppRun run = new StreamsAppRun((System.nanoTime() - running.get()) / 1e9,
          firstNanos == 0 ? Double.NaN : rateAfterFirst(firstNanos, firstCount, target));
      streams.close(Duration.ofSeconds(30));
      return run;
    }
  }

  /** Units per second from {@code firstNanos}, when {@code firstCount} were done, until now and {@code target}. */
  static double rateAfterFirst(long firstNanos, long firstCount, long target) {
    double seconds = Math.max(1e-9, (System.nanoTime() - firstNanos) / 1e9);
    return (target - firstCount) / seconds;
  }
}
