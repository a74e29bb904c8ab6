package io.foresight.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StreamsHealthTest {

  @TempDir Path state;

  @Test
  void aDeadThreadIsReplacedButAThreadThatKeepsDyingMakesTheClientDead() {
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream("in").to("out");
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (KafkaStreams streams = new KafkaStreams(builder.build(),
        StreamsApps.properties(Map.of("bootstrap.servers", "127.0.0.1:9"), "health-test", state, 1))) {
      StreamsHealth health = new StreamsHealth(streams, "test", registry);
      assertThat(health.alive()).as("created, not started").isTrue();
      assertThat(health.ready()).isFalse();
      for (int i = 1; i < StreamsHealth.CRASH_LOOP_REPLACEMENTS; i++) {
        assertThat(health.threadDied(new IllegalStateException("boom")))
            .isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
        assertThat(health.alive()).as("after %d deaths", i).isTrue();
      }
      health.threadDied(new IllegalStateException("boom"));
      assertThat(health.alive()).as("a crash loop").isFalse();
      assertThat(registry.counter("foresight.streams.thread.replacements", "service", "test").count())
          .isEqualTo(StreamsHealth.CRASH_LOOP_REPLACEMENTS);
      streams.close(Duration.ofSeconds(5));
      assertThat(health.alive()).as("closed: NOT_RUNNING").isFalse();
    }
  }
}
