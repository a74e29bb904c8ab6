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

  /**
   * Starts {@code topology} under a fresh application id and returns its steady rate: the units
   * {@code progress} counts after it is first seen above zero, per second, until it reaches {@code
   * target}. Start-up (group join, task and transaction initialisation, the first fetch) is left out,
   * as it is from {@link #rateAfterFirst(long, long, long)} for a plain client.
   *
   * @param threads stream threads
   * @param what the counted unit, for the timeout message
   */
  static double steadyRate(Topology topology, Map<String, Object> client, Path stateDir, int threads,
      Counter progress, long target, String what) throws InterruptedException {
    try (KafkaStreams streams =
        new KafkaStreams(
            topology, StreamsApps.properties(client, "bench-" + UUID.randomUUID(), stateDir, threads))) {
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
      if (firstNanos == 0) {
        throw new IllegalStateException("the run ended before its progress was first read: give it more " + what);
      }
      double rate = rateAfterFirst(firstNanos, firstCount, target);
      streams.close(Duration.ofSeconds(30));
      return rate;
    }
  }

  /** Units per second from {@code firstNanos}, when {@code firstCount} were done, until now and {@code target}. */
  static double rateAfterFirst(long firstNanos, long firstCount, long target) {
    double seconds = Math.max(1e-9, (System.nanoTime() - firstNanos) / 1e9);
    return (target - firstCount) / seconds;
  }
}
