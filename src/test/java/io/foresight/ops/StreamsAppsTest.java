package io.foresight.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class StreamsAppsTest {

  @Test
  void streamsAppsAreExactlyOnceWithFastCommitsAndPassClientPropertiesThrough() {
    Properties props =
        StreamsApps.properties(
            Map.of("bootstrap.servers", "broker:9092", "security.protocol", "SASL_SSL"),
            "foresight-ingest", Path.of("/var/state"), 2);
    assertThat(props)
        .containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2)
        .containsEntry(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 1_000)
        .containsEntry(StreamsConfig.POLL_MS_CONFIG, 10)
        .containsEntry(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 2)
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry(StreamsConfig.APPLICATION_ID_CONFIG, "foresight-ingest")
        .containsEntry(StreamsConfig.STATE_DIR_CONFIG, Path.of("/var/state").toString());
    // every value is one Streams accepts, and the batching reaches the producer Streams builds
    assertThat(new StreamsConfig(props).getProducerConfigs("foresight-ingest-producer"))
        .containsEntry("batch.size", StreamsApps.PRODUCER_BATCH_BYTES)
        .containsEntry("linger.ms", StreamsApps.PRODUCER_LINGER_MS);
  }

  @Test
  void aPassThroughThatWouldTurnExactlyOnceOffIsRefused() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> StreamsApps.properties(
                Map.of("bootstrap.servers", "broker:9092", "processing.guarantee", "at_least_once"),
                "foresight-ingest", Path.of("/var/state"), 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at_least_once")
        .hasMessageContaining("FORESIGHT_KAFKA_PROCESSING_GUARANTEE");
    assertThat(StreamsApps.properties(
            Map.of("processing.guarantee", "exactly_once_v2"), "foresight-ingest", Path.of("/s"), 1))
        .containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
  }
}
