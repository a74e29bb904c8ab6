package io.foresight.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.foresight.model.Tokenizer;
import io.foresight.ops.OwnBroker;
import io.foresight.wire.DeadLetters;
import io.foresight.wire.Topics;
import io.foresight.wire.Window;
import io.foresight.wire.WindowCodec;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ingest against a real broker with records near Kafka's size limits: a rejected record of almost 1 MiB
 * would, with our headers, exceed the producer's {@code max.request.size}; under exactly-once that
 * aborts the transaction and stops the stream thread on every restart. It must reach the DLQ (cut to
 * fit, its original size in a header) and the stream go on.
 */
class IngestFaultIntegrationTest {

  /** A broker of this class's own: what it writes to foresight.timesteps must not reach other tests. */
  private static OwnBroker broker;

  @TempDir Path state;

  @org.junit.jupiter.api.BeforeAll
  static void startBroker() throws Exception {
    broker = OwnBroker.start();
  }

  @org.junit.jupiter.api.AfterAll
  static void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void aRejectedRecordNearTheRequestLimitIsDeadLetteredCutToFitAndTheStreamGoesOn() throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    String poison = "poison-" + run;
    String small = "small-" + run;
    Map<String, Object> kafka = Map.of("bootstrap.servers", broker.bootstrapServers());
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    byte[] huge = new byte[1_048_300]; // not JSON; fits a 1 MiB request alone, not with DLQ headers
    java.util.Arrays.fill(huge, (byte) 'x');
    try (KafkaConsumer<byte[], byte[]> windows = consumer(); KafkaConsumer<byte[], byte[]> dlq = consumer();
        IngestService ingest = new IngestService(kafka, "it-ingest-faults-" + run, state, 1,
            WindowSpec.sequence(60_000, 8192), Tokenizer.integer(41), registry);
        KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
            Map.of("bootstrap.servers", broker.bootstrapServers(), "max.request.size", 2 * 1024 * 1024),
            new StringSerializer(), new ByteArraySerializer())) {
      assignAtEnd(windows, Topics.WINDOWS);
      assignAtEnd(dlq, Topics.DLQ);
      ingest.start();
      producer.send(new ProducerRecord<>(Topics.TIMESTEPS, poison, huge)).get();
      producer.send(new ProducerRecord<>(Topics.TIMESTEPS, small, chunk(1_000, 10)));
      producer.send(new ProducerRecord<>(Topics.TIMESTEPS, small, end(1_010)));
      producer.flush();

      List<Window> received = new ArrayList<>();
      List<ConsumerRecord<byte[], byte[]>> rejected = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while ((received.isEmpty() || rejected.isEmpty()) && System.nanoTime() < deadline) {
        windows.poll(Duration.ofMillis(200)).forEach(r -> {
          Window w = WindowCodec.decode(r.value());
          if (w.entity().endsWith(run)) {
            received.add(w);
          }
        });
        dlq.poll(Duration.ofMillis(200)).forEach(r -> {
          if (r.key() != null && new String(r.key(), StandardCharsets.UTF_8).equals(poison)) {
            rejected.add(r);
          }
        });
      }
      assertThat(received).extracting(Window::entity).containsExactly(small);
      assertThat(received.get(0).length()).isEqualTo(10);
      assertThat(rejected).hasSize(1);
      var headers = rejected.get(0).headers();
      assertThat(DeadLetters.get(headers, DeadLetters.REASON)).isEqualTo("malformed-json");
      assertThat(DeadLetters.get(headers, "foresight.truncated.value.bytes")).isEqualTo("" + huge.length);
      assertThat(rejected.get(0).value().length).isLessThan(huge.length).isGreaterThan(1_000_000);
      assertThat(ingest.alive()).isTrue();
      assertThat(registry.counter("foresight.streams.thread.replacements", "service", "ingest").count())
          .as("no stream thread died").isZero();
    }
  }

  private static byte[] chunk(long ts, int n) {
    StringBuilder values = new StringBuilder();
    for (int i = 0; i < n; i++) {
      values.append(i == 0 ? "" : ",").append(i % 41);
    }
    return ("{\"ts\":" + ts + ",\"intervalMs\":1,\"values\":[" + values + "]}").getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] end(long ts) {
    return ("{\"ts\":" + ts + ",\"end\":true}").getBytes(StandardCharsets.UTF_8);
  }

  private static KafkaConsumer<byte[], byte[]> consumer() {
    return new KafkaConsumer<>(
        Map.of("bootstrap.servers", broker.bootstrapServers(),
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
        new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  private static List<TopicPartition> assignAtEnd(KafkaConsumer<?, ?> consumer, String topic) {
    List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
        .map(p -> new TopicPartition(topic, p.partition())).toList();
    consumer.assign(partitions);
    consumer.seekToEnd(partitions);
    partitions.forEach(consumer::position); // resolve the end now, before anything is produced
    return partitions;
  }
}
