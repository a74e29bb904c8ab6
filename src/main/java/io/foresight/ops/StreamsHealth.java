package io.foresight.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayDeque;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a Kafka Streams client's threads running and says whether it is alive and ready.
 *
 * <p>A stream thread that dies of an exception is replaced (its tasks restart from their last commit,
 * so nothing is lost or duplicated under exactly-once); a client in {@code ERROR}, {@code
 * PENDING_ERROR} or {@code NOT_RUNNING} after it started is dead, and so is one whose threads died
 * {@value #CRASH_LOOP_REPLACEMENTS} times within {@link #CRASH_LOOP_WINDOW} (a fault that replacing
 * the thread does not cure): {@code /health/live} then fails and the orchestrator restarts the process.
 *
 * <p>Meter: {@code foresight.streams.thread.replacements} (counter, tag {@code service}).
 */
public final class StreamsHealth {

  private static final Logger LOG = LoggerFactory.getLogger(StreamsHealth.class);

  /** Thread replacements within {@link #CRASH_LOOP_WINDOW} that make the client dead. */
  static final int CRASH_LOOP_REPLACEMENTS = 5;

  static final Duration CRASH_LOOP_WINDOW = Duration.ofMinutes(5);

  private final KafkaStreams streams;
  private final String service;
  private final Counter replacements;
  private final ArrayDeque<Long> recentReplacements = new ArrayDeque<>();

  /** Installs the uncaught-exception handler on {@code streams} (call before it starts). */
  public StreamsHealth(KafkaStreams streams, String service, MeterRegistry registry) {
    this.streams = streams;
    this.replacements = Counter.builder("foresight.streams.thread.replacements")
        .description("Stream threads replaced after an uncaught exception")
        .tag("service", service)
        .register(registry);
    this.service = service;
    streams.setUncaughtExceptionHandler(this::threadDied);
  }

  /** The uncaught-exception handler: count the death, replace the thread. */
  StreamThreadExceptionResponse threadDied(Throwable e) {
    LOG.error("a {} stream thread failed; replacing it", service, e);
    replacements.increment();
    synchronized (recentReplacements) {
      recentReplacements.addLast(System.nanoTime());
    }
    return StreamThreadExceptionResponse.REPLACE_THREAD;
  }

  /** Ready when running: started, its state restored, its tasks assigned. */
  public boolean ready() {
    return streams.state() == KafkaStreams.State.RUNNING;
  }

  /** False once the client has failed or stopped, or its threads keep dying. */
  public boolean alive() {
    KafkaStreams.State state = streams.state();
    if (state == KafkaStreams.State.ERROR
        || state == KafkaStreams.State.PENDING_ERROR
        || state == KafkaStreams.State.NOT_RUNNING) {
      return false;
    }
    long since = System.nanoTime() - CRASH_LOOP_WINDOW.toNanos();
    synchronized (recentReplacements) {
      while (!recentReplacements.isEmpty() && recentReplacements.peekFirst() < since) {
        recentReplacements.removeFirst();
      }
      return recentReplacements.size() < CRASH_LOOP_REPLACEMENTS;
    }
  }
}
