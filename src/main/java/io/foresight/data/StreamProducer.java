package io.foresight.data;

import io.foresight.wire.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Drives a Kafka {@link Producer} from a {@link TimestepSource}: what the {@code produce} command and
 * the demo run.
 *
 * <p>It works in rounds over the source's active devices, so every device advances at the same pace:
 * each visit sends up to {@code chunkSize} steps of one device as one record to
 * {@value Topics#TIMESTEPS} (a single-step record when {@code chunkSize} is 1, a chunk otherwise),
 * then its end marker if its sequence is complete. Labels the source reveals go to
 * {@value Topics#LABELS} before the steps of the round. Records are keyed by device id, values are
 * {@link TimestepRecords} JSON.
 *
 * <p>Event time: each device's first step carries the wall-clock time at which it is sent, and each
 * further step {@code intervalMs} later, whatever the send rate; an end marker carries the time the
 * next step would have had (last step + {@code intervalMs}). The Kafka record timestamp is left to the
 * producer (CreateTime, the wall clock at send), which is what end-to-end latency is measured from.
 *
 * <p>Pacing: a token bucket of {@code stepsPerSecond} tokens a second holding at most 10 ms of tokens
 * (and at least one chunk), starting empty; a send waits, in sleeps of at most 10 ms, until it has a
 * token per step. Rate 0 sends as fast as the producer accepts. {@link #run} returns when the step
 * limit or the duration is reached, the source is exhausted, a send fails ({@link #firstError}), or
 * {@link #stop} is called, after flushing the producer. The counters may be read from any thread while it runs. The producer is not
 * closed: it belongs to the caller.
 */
public final class StreamProducer implements Runnable {

  /**
   * How to produce.
   *
   * @param stepsPerSecond target rate in timesteps per second; 0 for as fast as possible
   * @param chunkSize steps per record; 1 sends single-step records
   * @param intervalMs event-time spacing of consecutive steps of one device
   * @param maxSteps stop after this many timesteps; 0 for no limit
   * @param maxDuration stop after this long; null for no limit
   */
  public record Options(
      double stepsPerSecond, int chunkSize, long intervalMs, long maxSteps, Duration maxDuration) {

    public Options {
      if (!(stepsPerSecond >= 0) || Double.isInfinite(stepsPerSecond)) {
        throw new IllegalArgumentException("rate must be a finite number >= 0, not " + stepsPerSecond);
      }
      if (chunkSize < 1) {
        throw new IllegalArgumentException("chunk size must be at least 1, not " + chunkSize);
      }
      if (intervalMs < 1) {
        throw new IllegalArgumentException("interval must be at least 1 ms, not " + intervalMs);
      }
      if (maxSteps < 0) {
        throw new IllegalArgumentException("step limit must be >= 0, not " + maxSteps);
      }
      if (maxDuration != null && maxDuration.isNegative()) {
        throw new IllegalArgumentException("duration must not be negative, not " + maxDuration);
      }
    }

    /** As fast as possible, single steps 10 ms apart, no limit. */
    public static Options defaults() {
      return new Options(0, 1, 10, 0, null);
    }

    public Options withRate(double stepsPerSecond) {
      return new Options(stepsPerSecond, chunkSize, intervalMs, maxSteps, maxDuration);
    }

    public Options withChunkSize(int chunkSize) {
      return new Options(stepsPerSecond, chunkSize, intervalMs, maxSteps, maxDuration);
    }

    public Options withIntervalMs(long intervalMs) {
      return new Options(stepsPerSecond, chunkSize, intervalMs, maxSteps, maxDuration);
    }

    public Options withMaxSteps(long maxSteps) {
      return new Options(stepsPerSecond, chunkSize, intervalMs, maxSteps, maxDuration);
    }

    public Options withMaxDuration(Duration maxDuration) {
      return new Options(stepsPerSecond, chunkSize, intervalMs, maxSteps, maxDuration);
    }
  }

  private static final long SLICE_NANOS = 10_000_000L;

  private final Producer<String, byte[]> producer;
  private final TimestepSource source;
  private final Options options;
  private final Map<String, Long> nextTs = new HashMap<>();
  private final AtomicLong timesteps = new AtomicLong();
  private final AtomicLong records = new AtomicLong();
  private final AtomicLong labels = new AtomicLong();
  private final AtomicLong endMarkers = new AtomicLong();
  private final AtomicLong sendErrors = new AtomicLong();
  private final AtomicReference<Exception> firstError = new AtomicReference<>();
  private volatile boolean stopped;

  // Token bucket, touched by the producing thread only.
  private double tokens;
  private long refilledAt;
  private boolean hasDeadline;
  private long deadline;

  public StreamProducer(Producer<String, byte[]> producer, TimestepSource source, Options options) {
    this.producer = producer;
    this.source = source;
    this.options = options;
  }

  /** Produces until a limit, the end of the source, or {@link #stop}; then flushes. */
  @Override
  public void run() {
    long start = System.nanoTime();
    refilledAt = start;
    hasDeadline = options.maxDuration() != null;
    deadline = hasDeadline ? start + Math.min(options.maxDuration().toNanos(), Long.MAX_VALUE / 4) : 0;
    double[] buffer = new double[options.chunkSize()];
    try {
      while (!done()) {
        List<String> devices = source.activeDevices();
        for (DeviceLabel label : source.takeLabels()) {
          send(Topics.LABELS, label.device(), TimestepRecords.label(label.label()));
          labels.incrementAndGet();
        }
        if (devices.isEmpty()) {
          return;
        }
        for (String device : devices) {
          int want = options.chunkSize();
          if (options.maxSteps() > 0) {
            want = (int) Math.min(want, options.maxSteps() - timesteps.get());
          }
          if (want <= 0 || !acquire(want)) {
            return;
          }
          int n = source.read(device, buffer, want);
          if (n > 0) {
            long ts = nextTs.computeIfAbsent(device, d -> System.currentTimeMillis());
            byte[] value = n == 1 && options.chunkSize() == 1
                ? TimestepRecords.single(ts, buffer[0])
                : TimestepRecords.chunk(ts, options.intervalMs(), buffer, n);
            send(Topics.TIMESTEPS, device, value);
            nextTs.put(device, ts + n * options.intervalMs());
            timesteps.addAndGet(n);
          }
          if (source.ended(device)) {
            long ts = nextTs.computeIfAbsent(device, d -> System.currentTimeMillis());
            send(Topics.TIMESTEPS, device, TimestepRecords.end(ts));
            nextTs.remove(device);
            endMarkers.incrementAndGet();
          }
        }
      }
    } finally {
      producer.flush();
    }
  }

  /** Asks {@link #run} to return after the record it is sending; safe from any thread. */
  public void stop() {
    stopped = true;
  }

  /** Timesteps sent so far (a chunk counts its steps). */
  public long timesteps() {
    return timesteps.get();
  }

  /** Records sent to {@value Topics#TIMESTEPS} so far: steps, chunks and end markers. */
  public long records() {
    return records.get();
  }

  /** Label records sent to {@value Topics#LABELS} so far. */
  public long labels() {
    return labels.get();
  }

  /** End markers sent so far. */
  public long endMarkers() {
    return endMarkers.get();
  }

  /** Sends the producer reported as failed. */
  public long sendErrors() {
    return sendErrors.get();
  }

  /** The first failure the producer reported, or null. */
  public Exception firstError() {
    return firstError.get();
  }

  public Options options() {
    return options;
  }

  private boolean done() {
    // A failed send is final (the producer has already retried it until delivery.timeout.ms): stop
    // at once rather than keep sending after a hole, so that callers see the failure promptly.
    return stopped
        || firstError.get() != null
        || (options.maxSteps() > 0 && timesteps.get() >= options.maxSteps())
        || (hasDeadline && System.nanoTime() - deadline >= 0);
  }

  private void send(String topic, String key, byte[] value) {
    producer.send(new ProducerRecord<>(topic, key, value), (metadata, error) -> {
      if (error != null) {
        sendErrors.incrementAndGet();
        firstError.compareAndSet(null, error);
      }
    });
    if (topic.equals(Topics.TIMESTEPS)) {
      records.incrementAndGet();
    }
  }

  /** Waits for {@code steps} tokens; false when stopped or out of time meanwhile. */
  private boolean acquire(int steps) {
    double rate = options.stepsPerSecond();
    if (rate == 0) {
      return !done();
    }
    double capacity = Math.max(options.chunkSize(), rate * SLICE_NANOS / 1e9);
    while (true) {
      long now = System.nanoTime();
      tokens = Math.min(capacity, tokens + (now - refilledAt) * rate / 1e9);
      refilledAt = now;
      if (tokens >= steps) {
        tokens -= steps;
        return true;
      }
      if (done()) {
        return false;
      }
      long wait = (long) Math.ceil((steps - tokens) / rate * 1e9);
      long sleep = Math.min(wait, SLICE_NANOS);
      if (hasDeadline) {
        sleep = Math.min(sleep, Math.max(0, deadline - now));
      }
      try {
        Thread.sleep(sleep / 1_000_000L, (int) (sleep % 1_000_000L));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        stopped = true;
        return false;
      }
    }
  }
}
