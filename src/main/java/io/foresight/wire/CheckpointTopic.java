package io.foresight.wire;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checkpoints on {@code foresight.models}, keyed by model name: the one place that reads and writes
 * them, for the trainer, the scorer's model watcher and {@code publish-model}. Consumers read committed
 * records only and fetch up to {@value #MAX_CHECKPOINT_BYTES} bytes; producers wait for every
 * in-sync replica, are idempotent and compress with lz4.
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

  /** A producer for checkpoints. */
  public static KafkaProducer<String, byte[]> producer(Map<String, Object> kafka) {
    Map<String, Object> config = new HashMap<>(kafka);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, MAX_CHECKPOINT_BYTES);
    config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    return new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
  }

  /**
   * The checkpoint with the highest version under {@code modelName}, or null; checkpoints that fail to
   * decode are skipped.
   */
  public static Checkpoint latest(Map<String, Object> kafka, String modelName) {
    Checkpoint best = null;
    try (KafkaConsumer<String, byte[]> consumer = consumerFromBeginning(kafka)) {
      Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
      while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
          if (!modelName.equals(record.key()) || record.value() == null) {
            continue;
          }
          try {
            Checkpoint checkpoint = CheckpointCodec.decode(record.value());
            if (best == null || checkpoint.modelVersion() > best.modelVersion()) {
              best = checkpoint;
            }
          } catch (CorruptCheckpointException e) {
            LOG.warn("skipping an unreadable checkpoint at offset {}: {}", record.offset(), e.getMessage());
          }
        }
      }
    }
    return best;
  }

  /**
   * Sends {@code checkpoint} under {@code modelName} and waits for the acknowledgement.
   *
   * @return the encoded size in bytes
   * @throws ExecutionException when the broker refused it
   */
  public static int publish(KafkaProducer<String, byte[]> producer, String modelName, Checkpoint checkpoint)
      throws InterruptedException, ExecutionException {
    byte[] bytes = CheckpointCodec.encode(checkpoint);
    producer.send(new ProducerRecord<>(Topics.MODELS, modelName, bytes)).get();
    return bytes.length;
  }

  /** {@link #publish(KafkaProducer, String, Checkpoint)} with a producer of its own. */
  public static void publish(Map<String, Object> kafka, String modelName, Checkpoint checkpoint)
      throws InterruptedException, ExecutionException {
    try (KafkaProducer<String, byte[]> producer = producer(kafka)) {
      publish(producer, modelName, checkpoint);
    }
  }
}
