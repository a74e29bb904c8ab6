package io.foresight.ops;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.StreamsConfig;

/** The Kafka Streams settings every Foresight Streams app shares. */
public final class StreamsApps {

  /** Producer linger: a few ms of batching, small against the latency budget. */
  public static final int PRODUCER_LINGER_MS = 5;
  /** Producer batch size: 128 KiB, 64 windows of 512 steps (the default 16 KiB holds 8). */
  public static final int PRODUCER_BATCH_BYTES = 128 * 1024;

  /** Segment size of the changelogs Streams creates: 64 MiB instead of the broker's 1 GiB. */
  public static final int CHANGELOG_SEGMENT_BYTES = 64 << 20;

  private StreamsApps() {}

  /**
   * Exactly-once (v2) processing, a 1 s commit interval, a 10 ms poll, producer batches of up to 128
   * KiB after 5 ms, and the given client properties passed through (they win).
   *
   * <p>Why a long interval: an exactly-once commit stalls the stream thread while the producer flushes
   * and the transaction ends, and at 50 ms that halved ingest's throughput through a backlog. Latency
   * does not wait for it: under exactly-once nothing is visible downstream before its transaction
   * commits, so the processors request a commit as soon as they have fresh output (ingest a window
   * completed by a recent record, the scorer every scored batch).
   *
   * <p>Why larger producer batches: a window of 512 steps is 2 KiB, so the default 16 KiB batch holds
   * eight, and on a small host the broker's per-batch work competes with the apps for the same cores;
   * 128 KiB batches raised a Streams passthrough and ingest by about a third in {@code bench ingest}.
   * Linger stays at a few ms, so a batch fills only while there is a backlog.
   *
   * <p>Why the short poll: a stream thread with nothing buffered blocks in {@code poll} for {@code
   * poll.ms} (100 ms by default) before it looks at requested commits and wall-clock punctuations
   * again.
   *
   * <p>RocksDB's memory is bounded by {@link StateMemory}: one shared cache and memtable budget of
   * {@value StateMemory#BUDGET_CONFIG} bytes (default 256 MiB) for all the stores of the process.
   *
   * <p>Why smaller changelog segments: a changelog is compacted only in its closed segments, and
   * after a crash under exactly-once a store is restored by reading its whole changelog. With the
   * broker's 1 GiB segments, a partition of a busy ingest changelog carries up to a gigabyte of
   * overwritten states that every restore reads; with 64 MiB segments compaction keeps it near the
   * live state. (Applies to changelogs Streams creates; an existing one keeps its settings.)
   *
   * <p>Exactly-once is what Foresight promises (no window lost or duplicated across crashes), so a
   * pass-through {@code processing.guarantee} other than {@code exactly_once_v2} (such as {@code
   * FORESIGHT_KAFKA_PROCESSING_GUARANTEE=at_least_once}) is refused rather than silently obeyed.
   *
   * @param kafka client properties: bootstrap servers, TLS/SASL settings, overrides
   * @param threads stream threads in this instance
   * @throws IllegalArgumentException when {@code kafka} sets another processing guarantee, or a state
   *     memory budget under 8 MiB
   */
  public static Properties properties(
      Map<String, Object> kafka, String applicationId, Path stateDir, int threads) {
    Object guarantee = kafka.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG);
    if (guarantee != null && !StreamsConfig.EXACTLY_ONCE_V2.equals(String.valueOf(guarantee))) {
      throw new IllegalArgumentException(
          StreamsConfig.PROCESSING_GUARANTEE_CONFIG + "=" + guarantee + " is not supported: Foresight's"
              + " services run exactly-once (" + StreamsConfig.EXACTLY_ONCE_V2 + "); remove the setting"
              + " (FORESIGHT_KAFKA_PROCESSING_GUARANTEE, kafka.processing.guarantee or --kafka-property)");
    }
    Properties props = new Properties();
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 1_000);
    props.put(StreamsConfig.POLL_MS_CONFIG, 10);
    props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
    props.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), PRODUCER_LINGER_MS);
    props.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), PRODUCER_BATCH_BYTES);
    props.put(StreamsConfig.topicPrefix(TopicConfig.SEGMENT_BYTES_CONFIG), CHANGELOG_SEGMENT_BYTES);
    props.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, StateMemory.class);
    props.put(StateMemory.BUDGET_CONFIG, StateMemory.budgetBytes(kafka));
    props.putAll(kafka);
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    return props;
  }
}
