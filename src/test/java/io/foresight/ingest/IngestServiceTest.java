package io.foresight.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.foresight.model.Tokenizer;
import io.foresight.wire.DeadLetters;
import io.foresight.wire.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every ingest output fits the producer's request size, or ingest does not start. */
class IngestServiceTest {

  @TempDir Path state;

  @Test
  void refusesToStartWhenItsLargestWindowWouldNotFitTheProducersRequest() {
    Map<String, Object> kafka = Map.of("bootstrap.servers", "127.0.0.1:9", "producer.max.request.size", "65536");
    assertThatThrownBy(() -> new IngestService(kafka, "ingest-test", state, 1,
            WindowSpec.sequence(1_000, 30_720), Tokenizer.integer(41), new SimpleMeterRegistry()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("max.request.size of 65536")
        .hasMessageContaining("--max-length");
    // The defaults fit the default 1 MiB request, even at the longest window allowed.
    try (IngestService fits = new IngestService(Map.of("bootstrap.servers", "127.0.0.1:9"), "ingest-test",
        state, 1, WindowSpec.sequence(1_000, WindowSpec.MAX_WINDOW_STEPS), Tokenizer.integer(41),
        new SimpleMeterRegistry())) {
      assertThat(fits.alive()).isTrue(); // created, not started: nothing has failed
    }
  }

  @Test
  void aDeadLetterTooLargeForARequestIsCutToFitWithItsOriginalSizeInAHeader() {
    StreamsBuilder builder = new StreamsBuilder();
    WindowingTopology.build(builder, WindowSpec.sliding(4, 4), Tokenizer.integer(41), new SimpleMeterRegistry(),
        new WindowingTopology.Limits(16_384, WindowingTopology.Limits.DEFAULT_ENTITY_TTL));
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "ingest-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
    try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), props)) {
      var in = driver.createInputTopic(Topics.TIMESTEPS, new ByteArraySerializer(), new ByteArraySerializer());
      var dlq = driver.createOutputTopic(Topics.DLQ, new ByteArrayDeserializer(), new ByteArrayDeserializer());
      byte[] value = new byte[40_000];
      java.util.Arrays.fill(value, (byte) '[');
      in.pipeInput("e".getBytes(), value);
      TestRecord<byte[], byte[]> rejected = dlq.readRecord();
      assertThat(rejected.value().length).isLessThanOrEqualTo(16_384 - Topics.RECORD_OVERHEAD_BYTES);
      assertThat(rejected.value()).startsWith(java.util.Arrays.copyOf(value, 100));
      assertThat(DeadLetters.get(rejected.headers(), DeadLetters.TRUNCATED_VALUE)).isEqualTo("40000");
      assertThat(DeadLetters.get(rejected.headers(), DeadLetters.REASON)).isEqualTo("malformed-json");
    }
  }
}
