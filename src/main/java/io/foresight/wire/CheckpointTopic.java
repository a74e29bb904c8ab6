package io.foresight.wire;

import ai.djl.MalformedModelException;
import io.foresight.model.ForesightNet;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checkpoints on {@code foresight.models}, keyed by model name: the one place that reads and writes
 * them, for the trainer, the scorer's model watcher and {@code publish-model}. Consumers read committed
 * records only and fetch up to {@value #MAX_CHECKPOINT_BYTES} bytes. Checkpoints are written by a
 * {@link Writer} only: transactional, one writer per model name at a time.
 *
 * <p>The topic is compacted by key, which keeps the last record under a model name, while readers take
 * the highest version. The two agree only while the last record is the latest checkpoint; {@link
 * #scan} says whether it is, so that the trainer can put it back on top.
 */
public final class CheckpointTopic {

  private static final Logger LOG = LoggerFactory.getLogger(CheckpointTopic.class);

  /** Largest checkpoint record (the topic's max.message.bytes is set to match, under topics/). */
  public static final int MAX_CHECKPOINT_BYTES = 64 * 1024 * 1024;

  private CheckpointTopic() {}

  /** A consumer of the topic, assigned every partition and positioned at the beginning. */
  public static KafkaConsumer<String, byte[]> consumerFromBeginning(Map<String, Object> kafka) {
    Map<String, Object> config = new HashMap<>(kafka);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, MAX_CHECKPOINT_BYTES);
    config.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, MAX_CHECKPOINT_BYTES);
    KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
    List<TopicPartition> partitions =
        consumer.partitionsFor(Topics.MODELS).stream()
            .map(p -> new TopicPartition(Topics.MODELS, p.partition()))
            .toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    return consumer;
  }

  /**
   * What {@link #scan} found under a model name.
   *
   * @param checkpoint the valid checkpoint of the highest version, or null when there is none
   * @param isLast whether that checkpoint is also the last record under the model name, the one
   *     compaction keeps; false when there is no checkpoint
   */
  public record Latest(Checkpoint checkpoint, boolean isLast) {}

  /**
   * The checkpoint with the highest version under {@code modelName}, or null; see {@link #scan}.
   */
  public static Checkpoint latest(Map<String, Object> kafka, String modelName) {
    return scan(kafka, modelName).checkpoint();
  }

  /**
   * Reads every committed record under {@code modelName} and finds the valid checkpoint of the highest
   * version (of equal versions, the later), and whether it is the last record there. Valid: one a
   * scorer would serve, so it decodes, its parameters load and are finite; the others are skipped with
   * a warning.
   *
   * <p>Two passes, so that one net is built rather than one per stored checkpoint (the topic's active
   * segment is not compacted, and holds every version published since it rolled): the first decodes
   * each record for its version and keeps where it lies; the second reads back the candidates from the
   * highest version down and builds each until one loads.
   */
  public static Latest scan(Map<String, Object> kafka, String modelName) {
    record Candidate(long version, TopicPartition partition, long offset) {}
    List<Candidate> candidates = new ArrayList<>();
    ConsumerRecord<String, byte[]> last = null;
    try (KafkaConsumer<String, byte[]> consumer = consumerFromBeginning(kafka)) {
      Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
      while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
          if (!modelName.equals(record.key())) {
            continue;
          }
          last = record; // a tombstone or a corrupt record counts: compaction keeps it all the same
          if (record.value() == null) {
            continue;
          }
          try {
            long version = CheckpointCodec.decode(record.value()).modelVersion();
            candidates.add(new Candidate(version, new TopicPartition(record.topic(), record.partition()), record.offset()));
          } catch (CorruptCheckpointException e) {
            LOG.warn("skipping an unreadable checkpoint at offset {}: {}", record.offset(), e.getMessage());
          }
        }
      }
      // Highest version first; of equal versions, the later record.
      candidates.sort(Comparator.comparingLong(Candidate::version).thenComparingLong(Candidate::offset).reversed());
      for (Candidate candidate : candidates) {
        consumer.seek(candidate.partition(), candidate.offset());
        ConsumerRecord<String, byte[]> record = null;
        for (int polls = 0; record == null && polls < 20; polls++) { // gone if compacted meanwhile
          for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
            if (record == null && r.partition() == candidate.partition().partition() && r.offset() == candidate.offset()) {
              record = r;
            }
          }
        }
        Checkpoint checkpoint;
        try {
          checkpoint = record == null ? null : CheckpointCodec.decode(record.value());
        } catch (CorruptCheckpointException e) {
          checkpoint = null; // decoded in the first pass: cannot happen
        }
        if (checkpoint == null) {
          continue;
        }
        String problem = unservable(checkpoint);
        if (problem == null) {
          boolean isLast = last != null && last.partition() == record.partition() && last.offset() == record.offset();
          return new Latest(checkpoint, isLast);
        }
        LOG.warn("skipping checkpoint version {} at offset {}: {}", candidate.version(), candidate.offset(), problem);
      }
    }
    return new Latest(null, false);
  }

  /** Why a scorer would refuse a decoded checkpoint's net (as {@code ModelHolder} does), or null. */
  private static String unservable(Checkpoint checkpoint) {
    try (ForesightNet net = checkpoint.toNet()) {
      String nonFinite = net.firstNonFiniteParameter();
      return nonFinite == null ? null : "NaN or infinite weights in " + nonFinite;
    } catch (MalformedModelException | RuntimeException e) {
      return "its parameters do not load: " + e.getMessage();
    }
  }

  /** The transactional id of {@code modelName}'s checkpoint writer: one writer per model at a time. */
  public static String transactionalId(String modelName) {
    return "foresight-models-" + modelName;
  }

  /**
   * A writer of {@code modelName}'s checkpoints. Creating it fences every earlier writer of that model
   * (their next publication fails with {@link FencedException}) and aborts a transaction one of them
   * left open.
   */
  public static Writer writer(Map<String, Object> kafka, String modelName) {
    Map<String, Object> config = new HashMap<>(kafka);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId(modelName));
    config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, MAX_CHECKPOINT_BYTES);
    config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
    try {
      producer.initTransactions();
    } catch (RuntimeException e) {
      producer.close(Duration.ZERO);
      throw e;
    }
    return new Writer(producer, modelName);
  }

  /** {@link Writer#publish} with a writer of its own, which fences any other writer of the model. */
  public static void publish(Map<String, Object> kafka, String modelName, Checkpoint checkpoint)
      throws InterruptedException, ExecutionException, FencedException {
    try (Writer writer = writer(kafka, modelName)) {
      writer.publish(checkpoint);
    }
  }

  /**
   * Another writer of the same model (a second trainer, a restarted one, {@code publish-model}) has
   * taken over: this writer published nothing since, and publishes nothing more.
   */
  public static final class FencedException extends Exception {
    FencedException(String modelName, Throwable cause) {
      super("another writer of model '" + modelName + "' has taken over " + Topics.MODELS
          + " (transactional id " + transactionalId(modelName) + ")"
          + (cause == null ? "" : ": " + cause), cause);
    }
  }

  /**
   * The one writer of a model's checkpoints: a transactional producer with {@link #transactionalId},
   * each publication one transaction. Without fencing, two writers of a model (a trainer and {@code
   * publish-model}, two trainers) would publish interleaved versions.
   */
  public static final class Writer implements AutoCloseable {

    private final KafkaProducer<String, byte[]> producer;
    private final String modelName;
    private boolean fenced;

    private Writer(KafkaProducer<String, byte[]> producer, String modelName) {
      this.producer = producer;
      this.modelName = modelName;
    }

    /**
     * Sends {@code checkpoint} under the model name in a transaction of its own and waits for its
     * commit.
     *
     * @return the encoded size in bytes
     * @throws FencedException when another writer of the model has taken over; this writer is done
     * @throws ExecutionException when the broker refused the record; the transaction is aborted and a
     *     later publication may succeed
     */
    public synchronized int publish(Checkpoint checkpoint)
        throws InterruptedException, ExecutionException, FencedException {
      if (fenced) {
        throw new FencedException(modelName, null);
      }
      byte[] bytes = CheckpointCodec.encode(checkpoint);
      try {
        producer.beginTransaction();
        producer.send(new ProducerRecord<>(Topics.MODELS, modelName, bytes)).get();
        producer.commitTransaction();
        return bytes.length;
      } catch (ExecutionException e) {
        if (isFencing(e.getCause())) {
          throw fenced(e.getCause());
        }
        abort();
        throw e;
      } catch (KafkaException e) {
        if (isFencing(e)) {
          throw fenced(e);
        }
        abort();
        throw e;
      }
    }

    private static boolean isFencing(Throwable e) {
      return e instanceof ProducerFencedException || e instanceof InvalidProducerEpochException;
    }

    private FencedException fenced(Throwable cause) {
      fenced = true;
      return new FencedException(modelName, cause);
    }

    /** Aborts the failed transaction, so that the next publication starts clean. */
    private void abort() throws FencedException {
      try {
        producer.abortTransaction();
      } catch (KafkaException e) {
        if (isFencing(e)) {
          throw fenced(e);
        }
        LOG.warn("aborting a failed checkpoint transaction failed too: {}", e.toString());
      }
    }

    @Override
    public void close() {
      producer.close(Duration.ofSeconds(10));
    }
  }
}
