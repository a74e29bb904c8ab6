package io.foresight.demo;

import io.foresight.ops.Await;
import io.foresight.wire.Checkpoint;
import io.foresight.wire.CheckpointCodec;
import io.foresight.wire.CorruptCheckpointException;
import io.foresight.wire.Json;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import static org.assertj.core.api.Assertions.assertThat;

import io.foresight.data.SimulatedFleet;
import io.foresight.data.TimestepRecords;
import io.foresight.ingest.WindowSpec;
import io.foresight.ingest.IngestService;
import io.foresight.learn.ContinuousTrainer;
import io.foresight.learn.Objective;
import io.foresight.train.TrainerService;
import io.foresight.learn.TrainingOptions;
import io.foresight.model.Encoder;
import io.foresight.model.ModelConfig;
import io.foresight.model.SingleCpuThread;
import io.foresight.model.Tokenizer;
import io.foresight.ops.OutputMonitor;
import io.foresight.ops.SharedBroker;
import io.foresight.score.ModelHolder;
import io.foresight.score.ScorerService;
import io.foresight.score.ScoringTopology;
import io.foresight.wire.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole path on a real broker ({@link SharedBroker}: an {@code apache/kafka} container where Docker
 * answers, the in-process broker otherwise): timesteps and labels produced, ingest cutting windows
 * exactly once, the trainer publishing versions, the scorer swapping them in mid-stream (and refusing a
 * corrupt one), every window scored exactly once, bad records in the DLQ with their reasons. Run alone
 * with {@code mvn -B verify -Dit.test=StreamingIntegrationTest -Dtest=skip -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@ExtendWith(SingleCpuThread.class)
class StreamingIntegrationTest {

  private static final int DEVICES = 12;
  private static final int LENGTH = 64;
  private static final int HOP = 32;

  @TempDir Path state;

  @Test
  void windowsAreScoredExactlyOnceAcrossHotSwapsAndBadRecordsLandInTheDlq() throws Exception {
    Map<String, Object> kafka = Map.of("bootstrap.servers", SharedBroker.bootstrapServers());
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    SimulatedFleet fleet = new SimulatedFleet(DEVICES, 2, 7);
    Map<String, String> heldOut = new HashMap<>();
    for (String device : fleet.devices()) {
      if (!fleet.labelled(device, 0.5)) {
        heldOut.put(device, fleet.classOf(device));
      }
    }

    TrainerService trainer =
        new TrainerService(
            kafka,
            new TrainerService.Options(
                "it-model",
                new ModelConfig(Encoder.CAUSAL_CNN, 8, 2, 3, 16, 0),
                Tokenizer.integer(41),
                new ContinuousTrainer.Settings(
                    Objective.NEXT_STEP, TrainingOptions.defaults().withBatch(8, 64), 100_000),
                new TrainerService.ClassifierSettings(2, 1000, 1_000_000, 512), // two classes at most
                20,
                Duration.ofSeconds(2),
                Duration.ofMinutes(10)),
            registry);
    try (IngestService ingest =
            new IngestService(kafka, "it-ingest", state.resolve("ingest"), 1, WindowSpec.sliding(LENGTH, HOP),
                Tokenizer.integer(41), registry);
        ScorerService scorer =
            new ScorerService(
                kafka, "it-scorer", state.resolve("scorer"), 1, "it-model", new ScoringTopology.Options(16, 10), registry);
        OutputMonitor monitor = new OutputMonitor(kafka, heldOut, Function.identity());
        KafkaProducer<String, byte[]> producer =
            new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", kafka.get("bootstrap.servers")),
                new StringSerializer(), new ByteArraySerializer())) {
      ingest.start();
      trainer.start();
      scorer.start();
      Thread monitorThread = new Thread(monitor, "it-monitor");
      monitorThread.start();

      for (String device : fleet.labelledDevices(0.5)) {
        producer.send(new ProducerRecord<>(Topics.LABELS, device, TimestepRecords.label(fleet.classOf(device))));
      }
      long t0 = 1_700_000_000_000L;
      int[] sent = new int[DEVICES];
      // Phase 1: 4 windows per device; phase 2 after a classifier serves: 4 more, then bad records.
      produceSteps(producer, fleet, sent, LENGTH + 3 * HOP, t0);
      // Wait for the scorer to hold a model with a classifier, not for a classification: on a busy host
      // every phase-1 window may already be scored by the models before labels arrived.
      Await.until("a classifier serving", Duration.ofSeconds(90), () -> {
        try (ModelHolder.Lease lease = scorer.models().acquire()) {
          return lease != null && !lease.classNames().isEmpty();
        }
      });
      long firstServed = scorer.models().version();
      // Labels as users get them wrong, once both classes are in: no entity key, and a third class
      // beyond the bound of two.
      producer.send(new ProducerRecord<>(Topics.LABELS, null, TimestepRecords.label("steady")));
      producer.send(new ProducerRecord<>(Topics.LABELS, "device-extra", TimestepRecords.label("noise")));

      byte[] corrupt = new byte[] {'F', 'S', 'C', 'K', 0, 0, 0, 1, 42};
      producer.send(new ProducerRecord<>(Topics.MODELS, "it-model", corrupt)).get();
      produceSteps(producer, fleet, sent, 4 * HOP, t0);
      producer.send(new ProducerRecord<>(Topics.TIMESTEPS, "device-0000", "{not json".getBytes()));
      producer.send(new ProducerRecord<>(Topics.TIMESTEPS, null, TimestepRecords.single(t0, 3)));
      producer.send(new ProducerRecord<>(Topics.TIMESTEPS, "device-0001", "{\"ts\": 1, \"value\": \"NaN\"}".getBytes()));
      producer.send(new ProducerRecord<>(Topics.TIMESTEPS, "device-0002",
          TimestepRecords.single(t0 + 10_000_000, 99)));
      producer.send(new ProducerRecord<>(Topics.TIMESTEPS, "device-0003", TimestepRecords.single(t0, 5))); // late
      producer.flush();

      long expectedWindows = (long) DEVICES * (1 + (sent[0] - LENGTH) / HOP);
      Await.until("every window scored after a second version", Duration.ofSeconds(120), () -> {
        OutputMonitor.Snapshot s = monitor.snapshot();
        return s.windows() == expectedWindows && s.embeddings() == expectedWindows && s.dlq() >= 7
            && scorer.models().version() > firstServed;
      });
      Thread.sleep(1000); // anything scored twice would show up by now
      OutputMonitor.Snapshot s = monitor.snapshot();
      trainer.close();

      assertThat(s.windows()).isEqualTo(expectedWindows);
      assertThat(s.embeddings()).isEqualTo(expectedWindows);
      assertThat(s.duplicateOutputs()).isZero();
      assertThat(s.unclassifiedAfterFirstClassifier()).isZero();
      assertThat(s.classifications()).isPositive();
      assertThat(s.modelVersionsServed()).hasSizeGreaterThanOrEqualTo(2);
      assertThat(s.dlqByReason())
          .containsEntry("malformed-json", 1L)
          .containsEntry("missing-key", 1L)
          .containsEntry("non-finite", 1L)
          .containsEntry("out-of-range", 1L)
          .containsEntry("out-of-order", 1L)
          .containsEntry("malformed-label", 1L)
          .containsEntry("too-many-classes", 1L);
      assertThat(registry.counter("foresight.scorer.checkpoints.rejected", "reason", "checksum").count())
          .isEqualTo(1);
      assertThat(registry.counter("foresight.dlq.records", "service", "ingest", "reason", "malformed-json").count())
          .isEqualTo(1);
      assertThat(registry.counter("foresight.ingest.timesteps").count())
          .isEqualTo((double) DEVICES * sent[0]);
      // Only fitted classifiers are published and served: version 1 (before any label) has none,
      // every classifier was fitted on both classes, and every classification came from one.
      Map<Long, Checkpoint> published = checkpoints(kafka);
      assertThat(published.get(1L).classifier()).isNull();
      Set<Long> withClassifier = new HashSet<>();
      published.forEach((version, checkpoint) -> {
        if (checkpoint.classifier() != null) {
          withClassifier.add(version);
          assertThat(checkpoint.classifier().classes()).containsExactly("bursty", "steady");
          assertThat(checkpoint.classifier().quality().labelledWindows()).isGreaterThanOrEqualTo(2);
          assertThat(checkpoint.classifier().quality().crossValidatedAccuracy()).isBetween(0.0, 1.0);
        }
      });
      assertThat(withClassifier).isNotEmpty();
      assertThat(classifiedBy(kafka)).isNotEmpty().isSubsetOf(withClassifier);
    } finally {
      trainer.close();
    }
  }

  /** Every checkpoint on the models topic, by version. */
  private static Map<Long, Checkpoint> checkpoints(Map<String, Object> kafka) throws Exception {
    Map<Long, Checkpoint> out = new HashMap<>();
    for (ConsumerRecord<String, byte[]> record : readAll(kafka, Topics.MODELS)) {
      if ("it-model".equals(record.key())) {
        try {
          Checkpoint c = CheckpointCodec.decode(record.value());
          out.put(c.modelVersion(), c);
        } catch (CorruptCheckpointException e) {
          // the corrupt record this test sent
        }
      }
    }
    return out;
  }

  /** The model versions that published a classification. */
  private static Set<Long> classifiedBy(Map<String, Object> kafka) throws Exception {
    Set<Long> versions = new HashSet<>();
    for (ConsumerRecord<String, byte[]> record : readAll(kafka, Topics.CLASSIFICATIONS)) {
      versions.add(Json.MAPPER.readTree(record.value()).path("modelVersion").asLong());
    }
    return versions;
  }

  private static List<ConsumerRecord<String, byte[]>> readAll(Map<String, Object> kafka, String topic) {
    Map<String, Object> config = new HashMap<>(kafka);
    config.put("isolation.level", "read_committed");
    config.put("max.partition.fetch.bytes", 64 * 1024 * 1024);
    List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        consumer.poll(Duration.ofMillis(200)).forEach(out::add);
      }
    }
    return out;
  }

  /** Sends the next {@code steps} steps of every device in chunks of 16. */
  private static void produceSteps(
      KafkaProducer<String, byte[]> producer, SimulatedFleet fleet, int[] sent, int steps, long t0) {
    List<String> devices = fleet.devices();
    for (int d = 0; d < devices.size(); d++) {
      String device = devices.get(d);
      for (int done = 0; done < steps; done += 16) {
        int n = Math.min(16, steps - done);
        double[] values = new double[n];
        fleet.fill(device, values, 0, n);
        producer.send(
            new ProducerRecord<>(
                Topics.TIMESTEPS, device, TimestepRecords.chunk(t0 + 10L * sent[d], 10, values, n)));
        sent[d] += n;
      }
    }
    producer.flush();
  }

}
