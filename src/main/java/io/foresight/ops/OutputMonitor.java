package io.foresight.ops;

import com.fasterxml.jackson.databind.JsonNode;
import io.foresight.wire.Json;
import io.foresight.wire.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Watches what the system publishes, as a user would (a read_committed consumer from the beginning of
 * windows, classifications, embeddings and the DLQ), and keeps the figures the demo reports and the
 * integration test asserts: counts, windows lost or scored twice, end-to-end latency from the record
 * timestamp of the timestep that completed a window to the arrival of its classification, and accuracy
 * on held-out entities whose true labels are known.
 *
 * <p>It reads {@code foresight.labels} too, for the time from the first label (and from the first
 * window) to the first classification.
 *
 * <p>Latency counts only windows completed after the first classification arrived: windows that
 * waited in Kafka for the first model measure start-up, not the system's latency.
 */
public final class OutputMonitor implements Runnable, AutoCloseable {

  /** What has been seen so far. */
  public record Snapshot(
      long windows,
      long embeddings,
      long classifications,
      long dlq,
      long duplicateOutputs,
      long unclassifiedAfterFirstClassifier,
      Set<Long> modelVersionsServed,
      Double accuracy,
      Double accuracyLatest,
      long heldOutClassified,
      double latencyP50Ms,
      double latencyP99Ms,
      double windowLatencyP50Ms,
      double windowLatencyP99Ms,
      Map<String, Long> dlqByReason,
      Long firstClassificationAfterLabelsMs,
      Long firstClassificationAfterFirstWindowMs) {

    /** Windows emitted but not (yet) scored. */
    public long unscored() {
      return windows - embeddings;
    }
  }

  private final KafkaConsumer<String, byte[]> consumer;
  private final Map<String, String> heldOut;
  private final Function<String, String> seriesOf;
  private volatile boolean running = true;

  private long windows;
  private long embeddings;
  private long classifications;
  private long dlq;
  private final Map<String, Long> dlqByReason = new HashMap<>();
  private final Set<String> embedded = new HashSet<>();
  private final Set<String> classified = new HashSet<>();
  private long duplicates;
  private long firstClassifierVersion = Long.MAX_VALUE;
  private final Map<Long, Long> embeddingsByVersion = new HashMap<>();
  private final Set<Long> versions = new TreeSet<>();
  private long correct;
  private long judged;
  private final Map<String, Boolean> latestBySeries = new HashMap<>();
  private final List<Long> latencies = new ArrayList<>();
  /** Same clock for windows: completing timestep to the window's arrival (ingest's share). */
  private final List<Long> windowLatencies = new ArrayList<>();
  private long firstClassificationAt = Long.MAX_VALUE;
  private long firstLabelAt = Long.MAX_VALUE;
  private long firstWindowAt = Long.MAX_VALUE;

  /**
   * @param heldOut true label of each held-out entity (empty when none are known)
   * @param seriesOf maps an entity to the series it replays, so repeated passes of one series count as
   *     one in {@link Snapshot#accuracyLatest()}; identity when each entity is its own series
   */
  public OutputMonitor(Map<String, Object> kafka, Map<String, String> heldOut, Function<String, String> seriesOf) {
    Map<String, Object> config = new HashMap<>(kafka);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
    this.consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
    this.heldOut = Map.copyOf(heldOut);
    this.seriesOf = seriesOf;
    List<TopicPartition> partitions = new ArrayList<>();
    for (String topic :
        List.of(Topics.WINDOWS, Topics.CLASSIFICATIONS, Topics.EMBEDDINGS, Topics.DLQ, Topics.LABELS)) {
      consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
    }
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
  }

  @Override
  public void run() {
    try {
      while (running) {
        var records = consumer.poll(Duration.ofMillis(100));
        long now = System.currentTimeMillis();
        synchronized (this) {
          for (ConsumerRecord<String, byte[]> record : records) {
            take(record, now);
          }
        }
      }
    } catch (WakeupException e) {
      // closing
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  private void take(ConsumerRecord<String, byte[]> record, long now) {
    switch (record.topic()) {
      case Topics.WINDOWS -> {
        windows++;
        firstWindowAt = Math.min(firstWindowAt, now);
        if (record.timestamp() >= firstClassificationAt) {
          windowLatencies.add(now - record.timestamp());
        }
      }
      case Topics.LABELS -> firstLabelAt = Math.min(firstLabelAt, record.timestamp());
      case Topics.DLQ -> {
        dlq++;
        var reason = record.headers().lastHeader(io.foresight.wire.DeadLetters.REASON);
        dlqByReason.merge(reason == null ? "unknown" : new String(reason.value()), 1L, Long::sum);
      }
      case Topics.EMBEDDINGS -> {
        JsonNode e = parse(record);
        embeddings++;
        long version = e.path("modelVersion").asLong();
        versions.add(version);
        embeddingsByVersion.merge(version, 1L, Long::sum);
        if (!embedded.add(e.path("entity").asText() + "@" + e.path("windowEnd").asLong())) {
          duplicates++;
        }
      }
      case Topics.CLASSIFICATIONS -> {
        JsonNode c = parse(record);
        classifications++;
        String entity = c.path("entity").asText();
        firstClassifierVersion = Math.min(firstClassifierVersion, c.path("modelVersion").asLong());
        if (!classified.add(entity + "@" + c.path("windowEnd").asLong())) {
          duplicates++;
        }
        firstClassificationAt = Math.min(firstClassificationAt, now);
        if (record.timestamp() >= firstClassificationAt) {
          latencies.add(now - record.timestamp());
        }
        String truth = heldOut.get(entity);
        if (truth != null) {
          boolean right = truth.equals(c.path("label").asText());
          judged++;
          correct += right ? 1 : 0;
          latestBySeries.put(seriesOf.apply(entity), right);
        }
      }
      default -> {}
    }
  }

  private static JsonNode parse(ConsumerRecord<String, byte[]> record) {
    try {
      return Json.MAPPER.readTree(record.value());
    } catch (java.io.IOException e) {
      throw new IllegalStateException("Foresight published JSON it cannot read back", e);
    }
  }

  public synchronized Snapshot snapshot() {
    long fromClassifier = 0;
    for (Map.Entry<Long, Long> e : embeddingsByVersion.entrySet()) {
      if (e.getKey() >= firstClassifierVersion) {
        fromClassifier += e.getValue();
      }
    }
    long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
    long[] sortedWindows = windowLatencies.stream().mapToLong(Long::longValue).sorted().toArray();
    long latestRight = latestBySeries.values().stream().filter(b -> b).count();
    return new Snapshot(
        windows,
        embeddings,
        classifications,
        dlq,
        duplicates,
        fromClassifier - classifications,
        Set.copyOf(versions),
        judged == 0 ? null : (double) correct / judged,
        latestBySeries.isEmpty() ? null : (double) latestRight / latestBySeries.size(),
        judged,
        percentile(sorted, 0.50),
        percentile(sorted, 0.99),
        percentile(sortedWindows, 0.50),
        percentile(sortedWindows, 0.99),
        Map.copyOf(dlqByReason),
        firstLabelAt == Long.MAX_VALUE || firstClassificationAt == Long.MAX_VALUE
            ? null
            : firstClassificationAt - firstLabelAt,
        firstWindowAt == Long.MAX_VALUE || firstClassificationAt == Long.MAX_VALUE
            ? null
            : firstClassificationAt - firstWindowAt);
  }

  /** Forgets the latencies seen so far (a benchmark's warm-up). */
  public synchronized void resetLatencies() {
    latencies.clear();
    windowLatencies.clear();
  }

  static double percentile(long[] sorted, double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int index = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
  }
}
