package io.foresight.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.foresight.model.Tokenizer;
import io.foresight.ops.OwnBroker;
import io.foresight.wire.DeadLetters;
import io.foresight.wire.Topics;
import io.foresight.wire.Window;
import io.foresight.wire.WindowCodec;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ingest on a real broker against what users' producers get wrong.
 *
 * <p>Fuzz: 100 000 generated records (random bytes, mutations of valid records, huge keys and values,
 * deep nesting, wrong types, bad keys), interleaved with the steps of devices that send only valid
 * data. Every fuzzed record has a key of its own, so whether it is accepted depends on its bytes
 * alone, which the parser and the key rules decide: the records in {@code foresight.dlq} must be
 * exactly the ones those rules reject, each with a reason and an error, no stream thread may die, and
 * every valid device's steps must come out as its one window.
 *
 * <p>Size limits: a rejected record of almost 1 MiB would, with our headers, exceed the producer's
 * {@code max.request.size}; under exactly-once that aborts the transaction and stops the stream thread
 * on every restart. It must reach the DLQ (cut to fit, its original size in a header) and the stream go
 * on.
 */
class IngestFaultIntegrationTest {

  private static final int FUZZED = 100_000;
  private static final int DEVICES = 20;
  private static final int STEPS = 600;
  private static final int CHUNK = 50;
  private static final String ID = "fuzz.id";

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
  void fuzzedRecordsNeverStopIngestAndEveryRejectedOneIsInTheDlqWithItsReason() throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    Map<String, Object> kafka = Map.of("bootstrap.servers", broker.bootstrapServers());
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    WindowSpec spec = WindowSpec.sequence(600_000, 8192);
    Tokenizer tokenizer = Tokenizer.integer(41);
    TimestepParser oracle = new TimestepParser(tokenizer, spec.maxChunk());
    Random random = new Random(15);
    Set<String> expectedRejected = new HashSet<>();

    try (KafkaConsumer<byte[], byte[]> windows = consumer(); KafkaConsumer<byte[], byte[]> dlq = consumer();
        IngestService ingest = new IngestService(kafka, "it-ingest-fuzz-" + run, state, 1, spec, tokenizer, registry);
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
            Map.of("bootstrap.servers", broker.bootstrapServers(),
                ProducerConfig.LINGER_MS_CONFIG, 20, ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024),
            new ByteArraySerializer(), new ByteArraySerializer())) {
      assignAtEnd(windows, Topics.WINDOWS);
      assignAtEnd(dlq, Topics.DLQ);
      ingest.start();

      int[] sent = new int[DEVICES];
      for (int n = 0; n < FUZZED; n++) {
        if (n % (FUZZED / (DEVICES * STEPS / CHUNK)) == 0) {
          sendValidChunk(producer, run, sent, random);
        }
        byte[][] record = fuzzed(random, run, n);
        byte[] key = record[0];
        byte[] value = record[1];
        boolean rejected = key == null || key.length == 0 || key.length > WindowSpec.MAX_KEY_BYTES
            || !validUtf8(key) || !oracle.parse(value);
        if (rejected) {
          expectedRejected.add(Integer.toString(n));
        }
        RecordHeaders headers = new RecordHeaders();
        headers.add(ID, Integer.toString(n).getBytes(StandardCharsets.UTF_8));
        headers.add("fuzz.run", utf8(run));
        producer.send(new ProducerRecord<>(Topics.TIMESTEPS, null, null, key, value, headers));
      }
      while (sendValidChunk(producer, run, sent, random)) {
        // the rest of the valid devices' steps, then their end markers
      }
      producer.flush();

      Map<String, Window> valid = new HashMap<>();
      Set<String> deadLettered = new HashSet<>();
      List<String> withoutReason = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
      while ((valid.size() < DEVICES || deadLettered.size() < expectedRejected.size())
          && System.nanoTime() < deadline) {
        windows.poll(Duration.ofMillis(200)).forEach(r -> {
          Window w = WindowCodec.decode(r.value());
          if (w.entity().startsWith("valid-" + run)) {
            assertThat(valid.put(w.entity(), w)).as("one window per valid device").isNull();
          }
        });
        dlq.poll(Duration.ofMillis(200)).forEach(r -> {
          String id = DeadLetters.get(r.headers(), ID);
          String inRun = DeadLetters.get(r.headers(), "fuzz.run");
          if (id != null && run.equals(inRun)) {
            assertThat(deadLettered.add(id)).as("dead-lettered once: " + id).isTrue();
            String reason = DeadLetters.get(r.headers(), DeadLetters.REASON);
            String error = DeadLetters.get(r.headers(), DeadLetters.ERROR);
            if (reason == null || reason.isBlank() || error == null || error.isBlank()) {
              withoutReason.add(id);
            }
          }
        });
      }

      System.out.printf("fuzz: %d records, %d rejected, %d dead-lettered, %d valid devices' windows%n",
          FUZZED, expectedRejected.size(), deadLettered.size(), valid.size());
      assertThat(ingest.alive()).isTrue();
      assertThat(registry.counter("foresight.streams.thread.replacements", "service", "ingest").count())
          .as("stream threads that died").isZero();
      assertThat(expectedRejected.size()).as("a fuzz that rejects most, not all").isBetween(FUZZED / 2, FUZZED - 1000);
      assertThat(deadLettered).as("the DLQ holds exactly the rejected records").isEqualTo(expectedRejected);
      assertThat(withoutReason).isEmpty();
      double counted = registry.find("foresight.dlq.records").counters().stream().mapToDouble(Counter::count).sum();
      assertThat(counted).isEqualTo(expectedRejected.size());
      assertThat(valid).hasSize(DEVICES);
      valid.values().forEach(w -> {
        assertThat(w.length()).isEqualTo(STEPS);
        for (int i = 0; i < STEPS; i++) {
          assertThat(w.values()[i]).isEqualTo(value(w.entity(), i));
        }
      });
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
      producer.send(new ProducerRecord<>(Topics.TIMESTEPS, small, utf8(IngestDriver.chunk(1_000, 1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9))));
      producer.send(new ProducerRecord<>(Topics.TIMESTEPS, small, utf8(IngestDriver.end(1_010))));
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
      assertThat(DeadLetters.get(headers, DeadLetters.TRUNCATED_VALUE)).isEqualTo("" + huge.length);
      assertThat(rejected.get(0).value().length).isLessThan(huge.length).isGreaterThan(1_000_000);
      assertThat(ingest.alive()).isTrue();
      assertThat(registry.counter("foresight.streams.thread.replacements", "service", "ingest").count())
          .as("no stream thread died").isZero();
    }
  }

  /** The next chunk of a device with steps to send (its end marker after the last); false when all are done. */
  private static boolean sendValidChunk(KafkaProducer<byte[], byte[]> producer, String run, int[] sent, Random random) {
    List<Integer> open = new ArrayList<>();
    for (int d = 0; d < sent.length; d++) {
      if (sent[d] <= STEPS) {
        open.add(d);
      }
    }
    if (open.isEmpty()) {
      return false;
    }
    int d = open.get(random.nextInt(open.size()));
    String entity = "valid-" + run + "-" + d;
    String json;
    if (sent[d] == STEPS) {
      json = IngestDriver.end(STEPS - 1);
      sent[d]++;
    } else {
      float[] values = new float[CHUNK];
      for (int i = 0; i < CHUNK; i++) {
        values[i] = value(entity, sent[d] + i);
      }
      json = IngestDriver.chunk(sent[d], 1, values);
      sent[d] += CHUNK;
    }
    producer.send(new ProducerRecord<>(Topics.TIMESTEPS, utf8(entity), utf8(json)));
    return true;
  }

  private static float value(String entity, int step) {
    return Math.floorMod(entity.hashCode() + step * 7, 41);
  }

  /** A key and value: random bytes, a mutated valid record, a huge key or value, deep nesting, ... */
  private static byte[][] fuzzed(Random random, String run, int n) {
    byte[] key = utf8("fuzz-" + run + "-" + n);
    int kind = random.nextInt(100);
    byte[] value;
    if (kind < 25) {
      value = mutate(random, utf8(validJson(random)));
    } else if (kind < 40) {
      value = new byte[random.nextInt(64)];
      random.nextBytes(value);
    } else if (kind < 55) {
      value = utf8(WRONG_TYPES[random.nextInt(WRONG_TYPES.length)]);
    } else if (kind < 65) {
      value = utf8(validJson(random)); // valid, under a key of its own
    } else if (kind < 70) {
      int depth = 1 + random.nextInt(6000);
      value = utf8("{\"ts\":1,\"values\":" + "[".repeat(depth) + "1" + "]".repeat(random.nextBoolean() ? depth : 0) + "}");
    } else if (kind < 75) {
      value = utf8(validJson(random));
      key = switch (random.nextInt(4)) {
        case 0 -> null;
        case 1 -> new byte[0];
        case 2 -> new byte[] {(byte) 0xff, (byte) 0xfe, (byte) random.nextInt(256)};
        default -> new byte[] {'k', (byte) 0xc3}; // a multi-byte character cut short
      };
    } else if (kind < 77) {
      key = utf8("k".repeat(WindowSpec.MAX_KEY_BYTES + random.nextInt(20_000)) + n);
      value = utf8(validJson(random));
    } else if (kind < 78) {
      value = utf8("{\"ts\":1,\"intervalMs\":1,\"values\":[" + "1,".repeat(random.nextInt(100_000)) + "1]}");
    } else if (kind < 88) {
      value = utf8(CONTROL[random.nextInt(CONTROL.length)]);
    } else {
      String json = validJson(random);
      value = utf8(json.substring(0, random.nextInt(json.length() + 1)));
    }
    return new byte[][] {key, value};
  }

  private static final String[] WRONG_TYPES = {
    "{\"ts\":\"1\",\"value\":1}", "{\"ts\":1,\"value\":\"a\"}", "{\"ts\":1,\"values\":{}}", "{\"ts\":true,\"value\":1}",
    "[]", "\"str\"", "123", "null", "{}", "{\"ts\":1}", "{\"ts\":1,\"value\":1,\"values\":[1]}",
    "{\"ts\":1.5,\"value\":1}", "{\"ts\":1,\"value\":NaN}", "{\"ts\":1,\"value\":1e999}", "{\"ts\":1,\"value\":41}",
    "{\"ts\":1,\"value\":-1}", "{\"ts\":1,\"values\":[1,2]}", "{\"ts\":1,\"intervalMs\":0,\"values\":[1,2]}",
    "{\"ts\":1,\"value\":1}garbage", "{\"ts\":9223372036854775808,\"value\":1}", "{\"ts\":1,\"value\":null}",
    "{\"ts\":1,\"end\":\"yes\"}", "{\"ts\":1,\"value\":[1]}", "{\"ts\":1,\"intervalMs\":-5,\"values\":[1,2]}",
  };

  private static final String[] CONTROL = {
    "\u0000", "{\"ts\":1,\"value\":1\u0000}", "{\"ts\u0001\":1,\"value\":1}", "\uFEFF{\"ts\":1,\"value\":1}",
    "{\"ts\":1,\"value\":\"\\u0000\"}", "{\"ts\":1,\n\"value\":\t1}", "\r\n", "{\"ts\":1,\"value\":1}\n",
  };

  private static String validJson(Random random) {
    long ts = random.nextInt(1_000_000);
    return switch (random.nextInt(3)) {
      case 0 -> "{\"ts\":" + ts + ",\"value\":" + random.nextInt(41) + "}";
      case 1 -> {
        StringBuilder values = new StringBuilder();
        int n = 1 + random.nextInt(40);
        for (int i = 0; i < n; i++) {
          values.append(i == 0 ? "" : ",").append(random.nextInt(41));
        }
        yield "{\"ts\":" + ts + ",\"intervalMs\":" + (1 + random.nextInt(1000)) + ",\"values\":[" + values + "]}";
      }
      default -> "{\"ts\":" + ts + ",\"end\":true}";
    };
  }

  private static final String[] TOKENS = {"NaN", "1e999", "-1", "41", "\"", "{", "}", "[", "]", ",", ":", "null", "2.5", "\\"};

  private static byte[] mutate(Random random, byte[] valid) {
    byte[] out = valid.clone();
    switch (random.nextInt(4)) {
      case 0 -> {
        for (int k = 1 + random.nextInt(3); k > 0 && out.length > 0; k--) {
          out[random.nextInt(out.length)] = (byte) random.nextInt(256);
        }
      }
      case 1 -> {
        int at = random.nextInt(out.length);
        int len = Math.min(out.length - at, 1 + random.nextInt(5));
        byte[] cut = new byte[out.length - len];
        System.arraycopy(out, 0, cut, 0, at);
        System.arraycopy(out, at + len, cut, at, out.length - at - len);
        out = cut;
      }
      default -> {
        String s = new String(out, StandardCharsets.ISO_8859_1);
        int at = random.nextInt(s.length() + 1);
        out = (s.substring(0, at) + TOKENS[random.nextInt(TOKENS.length)] + s.substring(at))
            .getBytes(StandardCharsets.ISO_8859_1);
      }
    }
    return out;
  }

  private static boolean validUtf8(byte[] key) {
    try {
      StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(key));
      return true;
    } catch (java.nio.charset.CharacterCodingException e) {
      return false;
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static KafkaConsumer<byte[], byte[]> consumer() {
    return new KafkaConsumer<>(
        Map.of("bootstrap.servers", broker.bootstrapServers(),
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
            ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000),
        new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  private static void assignAtEnd(KafkaConsumer<?, ?> consumer, String topic) {
    List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
        .map(p -> new TopicPartition(topic, p.partition())).toList();
    consumer.assign(partitions);
    consumer.seekToEnd(partitions);
    partitions.forEach(consumer::position);
  }
}
