package io.foresight.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.foresight.ops.Await;
import io.foresight.wire.CheckpointForge;
import io.foresight.learn.ContinuousTrainer;
import io.foresight.learn.Objective;
import io.foresight.learn.TrainingOptions;
import io.foresight.model.Encoder;
import io.foresight.model.ForesightNet;
import io.foresight.model.ModelConfig;
import io.foresight.model.SingleCpuThread;
import io.foresight.model.Tokenizer;
import io.foresight.ops.OwnBroker;
import io.foresight.train.TrainerService;
import io.foresight.wire.Checkpoint;
import io.foresight.wire.CheckpointCodec;
import io.foresight.wire.CheckpointTopic;
import io.foresight.wire.CorruptCheckpointException;
import io.foresight.wire.Topics;
import io.foresight.wire.Window;
import io.foresight.wire.WindowCodec;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * One writer per model on {@code foresight.models}: a new writer (a trainer, {@code publish-model})
 * fences the old one, which publishes nothing more; {@code publish-model} publishes above every
 * version; a trainer puts its latest checkpoint back on top when compaction would lose it. On a broker
 * of its own, the in-process one: the trainers here need windows on {@code foresight.windows}, which
 * other integration tests on the shared broker count.
 */
@ExtendWith(SingleCpuThread.class)
class CheckpointFencingIntegrationTest {

  private static final ModelConfig CONFIG = new ModelConfig(Encoder.CAUSAL_CNN, 8, 2, 3, 16, 0);
  private static final Tokenizer TOKENIZER = Tokenizer.integer(41);
  private static final Duration PATIENCE = Duration.ofSeconds(60);

  private static OwnBroker broker;
  private static Map<String, Object> kafka;

  @TempDir Path dir;

  @BeforeAll
  static void startBroker() throws Exception {
    broker = OwnBroker.start();
    kafka = Map.of("bootstrap.servers", broker.bootstrapServers());
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void aNewWriterOfAModelFencesTheOldOneWhoseCheckpointsNeverAppear() throws Exception {
    String model = "writers";
    try (CheckpointTopic.Writer first = CheckpointTopic.writer(kafka, model)) {
      first.publish(checkpoint(1));
      try (CheckpointTopic.Writer second = CheckpointTopic.writer(kafka, model)) {
        assertThatThrownBy(() -> first.publish(checkpoint(2)))
            .isInstanceOf(CheckpointTopic.FencedException.class)
            .hasMessageContaining("foresight-models-writers");
        assertThatThrownBy(() -> first.publish(checkpoint(3))).isInstanceOf(CheckpointTopic.FencedException.class);
        second.publish(checkpoint(2));
      }
    }
    assertThat(versions(model)).containsExactly(1L, 2L);
    CheckpointTopic.Latest latest = CheckpointTopic.scan(kafka, model);
    assertThat(latest.checkpoint().modelVersion()).isEqualTo(2);
    assertThat(latest.isLast()).isTrue();
  }

  @Test
  void theLatestIsTheHighestVersionAScorerWouldServeAndATombstoneWrittenLastCounts() throws Exception {
    String model = "unservable";
    CheckpointTopic.publish(kafka, model, checkpoint(1));
    CheckpointForge nan = CheckpointForge.of(checkpoint(2));
    byte[] weights = nan.section(ForesightNet.NEXT_HEAD).clone();
    // The last four bytes of a section are the last value of its last parameter (the head's bias).
    java.nio.ByteBuffer.wrap(weights).order(java.nio.ByteOrder.nativeOrder()).putFloat(weights.length - 4, Float.NaN);
    try (KafkaProducer<String, byte[]> plain = plainProducer()) {
      plain.send(new ProducerRecord<>(Topics.MODELS, model, nan.section(ForesightNet.NEXT_HEAD, weights).bytes())).get();
      plain.send(new ProducerRecord<>(Topics.MODELS, model, (byte[]) null)).get();
    }
    CheckpointTopic.Latest latest = CheckpointTopic.scan(kafka, model);
    assertThat(latest.checkpoint().modelVersion()).as("version 2 has a NaN weight").isEqualTo(1);
    assertThat(latest.isLast()).as("a tombstone is last").isFalse();
  }

  @Test
  void aTrainerPublishesItsLatestCheckpointAgainWhenAnotherRecordIsLastUnderItsName() throws Exception {
    String model = "republish";
    CheckpointTopic.publish(kafka, model, checkpoint(3));
    try (KafkaProducer<String, byte[]> plain = plainProducer()) {
      // What compaction would keep alone: an older checkpoint written last, by a writer before fencing.
      plain.send(new ProducerRecord<>(Topics.MODELS, model, CheckpointCodec.encode(checkpoint(2)))).get();
    }
    assertThat(CheckpointTopic.scan(kafka, model).isLast()).isFalse();

    try (TrainerService trainer = trainer(model)) {
      trainer.start();
      Await.until("the trainer ready", PATIENCE, trainer::ready);
      assertThat(trainer.publishedVersion()).isEqualTo(3);
      assertThat(trainer.halted()).isFalse();
    }
    assertThat(versions(model)).containsExactly(3L, 2L, 3L);
    CheckpointTopic.Latest latest = CheckpointTopic.scan(kafka, model);
    assertThat(latest.checkpoint().modelVersion()).isEqualTo(3);
    assertThat(latest.isLast()).isTrue();
  }

  @Test
  void publishModelPublishesAboveTheLatestAndTheTrainerItFencesStops() throws Exception {
    String model = "publish";
    Path file = dir.resolve("offline.ckpt");
    CheckpointCodec.write(checkpoint(0), file);
    try (TrainerService trainer = trainer(model)) {
      trainer.start();
      Await.until("the fresh model published", PATIENCE, () -> trainer.publishedVersion() == 1 && trainer.ready());

      CliTest.Run lower = publishModel(model, file, "--version", "1");
      assertThat(lower.exitCode()).isEqualTo(1);
      assertThat(lower.err()).contains("--version 1 is not above version 1, the latest of model 'publish'");
      CliTest.Run next = publishModel(model, file);
      assertThat(next.exitCode()).isZero();
      assertThat(next.out()).contains("as model 'publish' version 2");

      produceWindows(model);
      Await.until("the trainer fenced", PATIENCE, trainer::fenced);
      Await.until("the trainer stopped", PATIENCE, () -> !trainer.ready());
      assertThat(trainer.halted()).isTrue();
      assertThat(trainer.publishedVersion()).isEqualTo(1);
    }
    assertThat(versions(model)).containsExactly(1L, 2L);

    CliTest.Run explicit = publishModel(model, file, "--version", "9");
    assertThat(explicit.exitCode()).isZero();
    assertThat(versions(model)).containsExactly(1L, 2L, 9L);
  }

  @Test
  void aTrainerAtTheHighestVersionStopsRatherThanPublishAnOverflowingOne() throws Exception {
    String model = "exhausted";
    CheckpointTopic.publish(kafka, model, checkpoint(Checkpoint.MAX_VERSION));
    try (TrainerService trainer = trainer(model)) {
      trainer.start();
      Await.until("the trainer ready", PATIENCE, trainer::ready);
      produceWindows(model);
      Await.until("the trainer stepped and stopped", PATIENCE, () -> trainer.steps() > 0 && !trainer.ready());
      assertThat(trainer.halted()).isTrue();
      assertThat(trainer.fenced()).isFalse();
    }
    assertThat(versions(model)).containsExactly(Checkpoint.MAX_VERSION);
  }

  private static CliTest.Run publishModel(String model, Path file, String... more) {
    List<String> args = new ArrayList<>(List.of(
        "publish-model", "--bootstrap-servers", broker.bootstrapServers(), "--model-name", model,
        "--checkpoint", file.toString()));
    args.addAll(List.of(more));
    return CliTest.run(args.toArray(String[]::new));
  }

  private static TrainerService trainer(String model) {
    return new TrainerService(
        kafka,
        new TrainerService.Options(
            model, CONFIG, TOKENIZER,
            new ContinuousTrainer.Settings(Objective.NEXT_STEP, TrainingOptions.defaults().withBatch(4, 64), 10_000),
            TrainerService.ClassifierSettings.defaults(),
            1, // publish after every step: the first step after fencing finds it
            Duration.ofSeconds(1),
            Duration.ofMinutes(10)),
        new SimpleMeterRegistry());
  }

  private static Checkpoint checkpoint(long version) {
    try (ForesightNet net = ForesightNet.create(CONFIG, TOKENIZER)) {
      return Checkpoint.of(net, version, List.of(), Map.of());
    }
  }

  /** A few windows the trainer can step on. */
  private static void produceWindows(String entity) throws Exception {
    long now = System.currentTimeMillis();
    try (KafkaProducer<String, byte[]> producer = plainProducer()) {
      for (int i = 0; i < 4; i++) {
        float[] values = new float[32];
        for (int t = 0; t < values.length; t++) {
          values[t] = (t * 7 + i) % 41;
        }
        Window window = new Window(entity, now + i * 100, now + i * 100 + 31, i, values);
        producer.send(new ProducerRecord<>(Topics.WINDOWS, entity, WindowCodec.encode(window))).get();
      }
    }
  }

  /** The versions of the committed records under {@code model}, in offset order (-1: unreadable). */
  private static List<Long> versions(String model) throws Exception {
    List<Long> versions = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer = CheckpointTopic.consumerFromBeginning(kafka)) {
      var end = consumer.endOffsets(consumer.assignment());
      while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          if (model.equals(record.key())) {
            try {
              versions.add(CheckpointCodec.decode(record.value()).modelVersion());
            } catch (CorruptCheckpointException e) {
              versions.add(-1L);
            }
          }
        }
      }
    }
    return versions;
  }

  private static KafkaProducer<String, byte[]> plainProducer() {
    return new KafkaProducer<>(kafka, new StringSerializer(), new ByteArraySerializer());
  }

}
