package io.foresight.cli;

import io.foresight.ops.StreamsApps;
import io.micrometer.core.instrument.Counter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;

/** What the streaming benchmarks share: run a Streams app until one of its counters reaches a target. */
final class BenchStreams {

  private static final Duration TIMEOUT = Duration.ofMinutes(10);

  private BenchStreams() {}

  /**
   * Starts {@code topology} under a fresh application id and returns the seconds from RUNNING (startup
   * and group join left out) until {@code progress} counts {@code target}.
   *
   * @param what the counted unit, for the timeout message
   */
  static double secondsUntil(
      Topology topology, Map<String, Object> client, Path stateDir, Counter progress, long target, String what)
      throws InterruptedException {
    AtomicLong running = new AtomicLong();
    try (KafkaStreams streams =
        new KafkaStreams(
            topology, StreamsApps.properties(client, "bench-" + UUID.randomUUID(), stateDir, 1))) {
      streams.setStateListener((now, before) -> {
        if (now == KafkaStreams.State.RUNNING) {
          running.compareAndSet(0, System.nanoTime());
        }
      });
      streams.start();
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (progress.count() < target) {
        if (System.nanoTime() > deadline || streams.state() == KafkaStreams.State.ERROR) {
          throw new IllegalStateException(
              "reached " + (long) progress.count() + " of " + target + " " + what + "; state " + streams.state());
        }
        Thread.sleep(5);
      }
      double seconds = (System.nanoTime() - running.get()) / 1e9;
      streams.close(Duration.ofSeconds(30));
      return seconds;
    }
  }
}
