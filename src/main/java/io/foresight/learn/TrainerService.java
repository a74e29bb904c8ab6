package io.foresight.learn;

import io.foresight.model.ModelConfig;
import io.foresight.model.Tokenizer;
import io.foresight.wire.Checkpoint;
import io.foresight.wire.CheckpointCodec;
import io.foresight.wire.CorruptCheckpointException;
import io.foresight.wire.DeadLetters;
import io.foresight.wire.Json;
import io.foresight.wire.Label;
import io.foresight.wire.Topics;
import io.foresight.wire.Window;
import io.foresight.wire.WindowCodec;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
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
 * The {@code trainer} service: reads {@code foresight.windows} and {@code foresight.labels}, trains a
 * {@link ContinuousTrainer} between polls, and publishes a checkpoint to {@code foresight.models} every
 * N steps or T seconds, versions rising by one from the latest checkpoint already there.
 *
 * <p>It keeps no Kafka offsets: on start it resumes the weights of the latest published checkpoint of
 * its model name, reads every label from the beginning (labels are few and the topic keeps them), and
 * refills the replay buffer from the windows of the last {@code lookback}. A restart therefore loses at
 * most the steps since the last publication.
 *
 * <p>Meters: {@code foresight.trainer.steps} (counter), {@code foresight.trainer.windows} (counter,
 * windows trained on; its rate is the throughput), {@code foresight.trainer.loss} (gauge, tag
 * part=pretext|classifier, the last step's), {@code foresight.trainer.model.version} (gauge, last
 * published), {@code foresight.trainer.checkpoints.published} (counter), {@code
 * foresight.trainer.rollbacks} (counter: times the weights diverged to NaN/infinity and training went
 * back to the last good ones, see {@link ContinuousTrainer}), {@code
 * foresight.trainer.buffer.windows} and {@code foresight.trainer.labelled.windows} (gauges), {@code
 * foresight.dlq.records} (counter, service=trainer,
 * reason=malformed-window|untokenisable-window|malformed-label, each registered at zero on start).
 */
public final class TrainerService implements Runnable, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(TrainerService.class);

  /**
   * @param modelName key of the checkpoints on {@code foresight.models}
   * @param config architecture of a fresh model (ignored when resuming)
   * @param tokenizer tokeniser of a fresh model (ignored when resuming)
   * @param publishEverySteps publish after this many steps...
   * @param publishEvery ...or after this long, whichever comes first (and only after a step)
   * @param lookback windows this old or newer refill the buffer on start
   */
  public record Options(
      String modelName,
      ModelConfig config,
      Tokenizer tokenizer,
      ContinuousTrainer.Settings training,
      int publishEverySteps,
      Duration publishEvery,
      Duration lookback) {}

  private final Map<String, Object> kafka;
  private final Options options;
  private final MeterRegistry registry;
  private final AtomicReference<Thread> runner = new AtomicReference<>();
  private volatile boolean running = true;
  private final AtomicLong publishedVersion = new AtomicLong(0);
  private final AtomicLong stepsTaken = new AtomicLong();
  private volatile double lastPretextLoss = Double.NaN;
  private volatile double lastClassifierLoss = Double.NaN;
  private volatile int bufferWindows;
  private volatile int labelledWindows;
  private volatile boolean ready;

  public TrainerService(Map<String, Object> kafka, Options options, MeterRegistry registry) {
    this.kafka = Map.copyOf(kafka);
    this.options = options;
    this.registry = registry;
  }

  @Override
  public void run() {
    runner.set(Thread.currentThread());
    Counter steps = registry.counter("foresight.trainer.steps");
    Counter windows = registry.counter("foresight.trainer.windows");
    Counter published = registry.counter("foresight.trainer.checkpoints.published");
    Counter rollbacks = registry.counter("foresight.trainer.rollbacks");
    Gauge.builder("foresight.trainer.loss", () -> lastPretextLoss).tag("part", "pretext").register(registry);
    Gauge.builder("foresight.trainer.loss", () -> lastClassifierLoss)
        .tag("part", "classifier")
        .register(registry);
    Gauge.builder("foresight.trainer.model.version", publishedVersion::get).register(registry);
    Gauge.builder("foresight.trainer.buffer.windows", () -> bufferWindows).register(registry);
    Gauge.builder("foresight.trainer.labelled.windows", () -> labelledWindows).register(registry);
    for (String reason : List.of("malformed-window", "untokenisable-window", "malformed-label")) {
      registry.counter("foresight.dlq.records", "service", "trainer", "reason", reason); // at zero for dashboards
    }

    try (KafkaConsumer<String, byte[]> consumer = consumer();
        KafkaProducer<String, byte[]> producer = producer();
        ContinuousTrainer trainer = start()) {
      assignAndRewind(consumer);
      ready = true;
      long lastPublishNanos = System.nanoTime();
      long stepsAtPublish = trainer.steps();
      while (running) {
        var records = consumer.poll(trainer.canStep() ? Duration.ZERO : Duration.ofMillis(200));
        for (ConsumerRecord<String, byte[]> record : records) {
          take(trainer, record, producer);
        }
        bufferWindows = trainer.buffer().windows();
        labelledWindows = trainer.labelledWindows();
        if (!trainer.canStep()) {
          continue;
        }
        long rollbacksBefore = trainer.rollbacks();
        ContinuousTrainer.StepResult result = trainer.step();
        if (trainer.rollbacks() > rollbacksBefore) {
          rollbacks.increment();
          LOG.warn("the weights diverged (loss {}); rolled back to the last good ones", result.pretextLoss());
        }
        steps.increment();
        windows.increment(result.windows() + result.labelledWindows());
        stepsTaken.incrementAndGet();
        lastPretextLoss = result.pretextLoss();
        lastClassifierLoss = result.classifierLoss();
        boolean due =
            trainer.steps() - stepsAtPublish >= options.publishEverySteps()
                || System.nanoTime() - lastPublishNanos >= options.publishEvery().toNanos();
        if (due) {
          publish(trainer, producer);
          published.increment();
          lastPublishNanos = System.nanoTime();
          stepsAtPublish = trainer.steps();
        }
      }
    } catch (org.apache.kafka.common.errors.InterruptException e) {
      LOG.info("trainer interrupted; stopping");
    } finally {
      ready = false;
    }
  }

  /** Resumes the latest published checkpoint of this model, or starts a fresh model. */
  private ContinuousTrainer start() {
    Checkpoint latest = latestCheckpoint(kafka, options.modelName());
    if (latest == null) {
      LOG.info("no checkpoint of model '{}' on {}: starting a fresh model", options.modelName(), Topics.MODELS);
      return ContinuousTrainer.fresh(options.config(), options.tokenizer(), options.training());
    }
    try {
      publishedVersion.set(latest.modelVersion());
      LOG.info("resuming model '{}' version {}", options.modelName(), latest.modelVersion());
      return ContinuousTrainer.resume(latest, options.training());
    } catch (ai.djl.MalformedModelException e) {
      throw new IllegalStateException(
          "the latest checkpoint of '" + options.modelName() + "' does not load: " + e.getMessage(), e);
    }
  }

  private void assignAndRewind(KafkaConsumer<String, byte[]> consumer) {
    List<TopicPartition> windowPartitions = partitions(consumer, Topics.WINDOWS);
    List<TopicPartition> labelPartitions = partitions(consumer, Topics.LABELS);
    List<TopicPartition> all = new ArrayList<>(windowPartitions);
    all.addAll(labelPartitions);
    consumer.assign(all);
    consumer.seekToBeginning(labelPartitions);
    long since = System.currentTimeMillis() - options.lookback().toMillis();
    Map<TopicPartition, Long> query = new HashMap<>();
    windowPartitions.forEach(p -> query.put(p, since));
    Map<TopicPartition, OffsetAndTimestamp> offsets = consumer.offsetsForTimes(query);
    for (TopicPartition partition : windowPartitions) {
      OffsetAndTimestamp at = offsets.get(partition);
      if (at == null) {
        consumer.seekToEnd(List.of(partition));
      } else {
        consumer.seek(partition, at.offset());
      }
    }
  }

  private static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, String topic) {
    return consumer.partitionsFor(topic).stream()
        .map(p -> new TopicPartition(topic, p.partition()))
        .toList();
  }

  private void take(
      ContinuousTrainer trainer, ConsumerRecord<String, byte[]> record, KafkaProducer<String, byte[]> producer) {
    if (record.topic().equals(Topics.WINDOWS)) {
      Window window;
      try {
        window = WindowCodec.decode(record.value());
      } catch (RuntimeException e) {
        deadLetter(producer, record, "malformed-window", e.getMessage());
        return;
      }
      if (!trainer.addWindow(window)) {
        deadLetter(producer, record, "untokenisable-window", "a value lies outside the model's tokeniser");
      }
      return;
    }
    Label label;
    try {
      label = record.key() == null ? null : Json.read(record.value(), Label.class);
    } catch (java.io.IOException | RuntimeException e) {
      deadLetter(producer, record, "malformed-label", "not a label JSON object: " + e.getMessage());
      return;
    }
    if (label == null || label.label() == null || label.label().isBlank()) {
      deadLetter(producer, record, "malformed-label", "a label needs an entity key and a \"label\" string");
      return;
    }
    trainer.addLabel(record.key(), label);
  }

  private void deadLetter(
      KafkaProducer<String, byte[]> producer, ConsumerRecord<String, byte[]> record, String reason, String error) {
    registry.counter("foresight.dlq.records", "service", "trainer", "reason", reason).increment();
    ProducerRecord<String, byte[]> out = new ProducerRecord<>(Topics.DLQ, record.key(), record.value());
    DeadLetters.add(out.headers(), DeadLetters.SERVICE, "trainer");
    DeadLetters.add(out.headers(), DeadLetters.REASON, reason);
    DeadLetters.add(out.headers(), DeadLetters.ERROR, error);
    DeadLetters.add(out.headers(), DeadLetters.SOURCE_TOPIC, record.topic());
    DeadLetters.add(out.headers(), DeadLetters.SOURCE_PARTITION, record.partition());
    DeadLetters.add(out.headers(), DeadLetters.SOURCE_OFFSET, record.offset());
    producer.send(out);
  }

  private void publish(ContinuousTrainer trainer, KafkaProducer<String, byte[]> producer) {
    long version = publishedVersion.get() + 1;
    Map<String, Double> metrics = new HashMap<>();
    metrics.put("pretextLoss", lastPretextLoss);
    if (!Double.isNaN(lastClassifierLoss)) {
      metrics.put("classifierLoss", lastClassifierLoss);
    }
    byte[] bytes = CheckpointCodec.encode(trainer.checkpoint(version, metrics));
    try {
      producer.send(new ProducerRecord<>(Topics.MODELS, options.modelName(), bytes)).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new org.apache.kafka.common.errors.InterruptException(e);
    } catch (ExecutionException e) {
      // The next publication tries again with the same version; training goes on.
      LOG.warn("publishing model version {} failed: {}", version, e.getCause().toString());
      return;
    }
    publishedVersion.set(version);
    LOG.info(
        "published model '{}' version {} ({} bytes, {} steps, classes {})",
        options.modelName(), version, bytes.length, trainer.steps(), trainer.classNames());
  }

  /**
   * The checkpoint with the highest version under {@code modelName} on {@code foresight.models}, or
   * null; checkpoints that fail to decode are skipped.
   */
  public static Checkpoint latestCheckpoint(Map<String, Object> kafka, String modelName) {
    Map<String, Object> config = new HashMap<>(kafka);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 64 * 1024 * 1024);
    config.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 64 * 1024 * 1024);
    Checkpoint best = null;
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = partitions(consumer, Topics.MODELS);
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
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
            LOG.warn("skipping a corrupt checkpoint at {}: {}", record.offset(), e.getMessage());
          }
        }
      }
    }
    return best;
  }

  private KafkaConsumer<String, byte[]> consumer() {
    Map<String, Object> config = new HashMap<>(kafka);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
    return new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
  }

  /**
   * Publishes {@code checkpoint} under {@code modelName} as it stands (its own version), waiting for
   * the broker's acknowledgement: how an offline model seeds the live system.
   */
  public static void publish(Map<String, Object> kafka, String modelName, Checkpoint checkpoint)
      throws InterruptedException, ExecutionException {
    try (KafkaProducer<String, byte[]> producer = producer(kafka)) {
      producer.send(new ProducerRecord<>(Topics.MODELS, modelName, CheckpointCodec.encode(checkpoint))).get();
    }
  }

  private KafkaProducer<String, byte[]> producer() {
    return producer(kafka);
  }

  private static KafkaProducer<String, byte[]> producer(Map<String, Object> kafka) {
    Map<String, Object> config = new HashMap<>(kafka);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 64 * 1024 * 1024);
    config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    return new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
  }

  /** True once the model is loaded and the consumers are positioned. */
  public boolean ready() {
    return ready;
  }

  public long publishedVersion() {
    return publishedVersion.get();
  }

  public long steps() {
    return stepsTaken.get();
  }

  public double lastPretextLoss() {
    return lastPretextLoss;
  }

  public double lastClassifierLoss() {
    return lastClassifierLoss;
  }

  /** Asks the loop to stop after its current step. */
  public void stop() {
    running = false;
  }

  @Override
  public void close() {
    stop();
  }
}
