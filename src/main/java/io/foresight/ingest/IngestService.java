package io.foresight.ingest;

import io.foresight.wire.Topics;
import io.foresight.model.Tokenizer;
import io.foresight.ops.StreamsApps;
import io.foresight.ops.StreamsErrorHandlers;
import io.foresight.ops.StreamsHealth;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.StreamsBuilder;

/**
 * The {@code ingest} service: the {@link WindowingTopology} as a Kafka Streams app, with the handler
 * that dead-letters a record whose processing fails unexpectedly ({@link StreamsErrorHandlers}), and
 * stream threads replaced when they die ({@link StreamsHealth}).
 *
 * <p>Every output must fit the producer's {@code max.request.size}: under exactly-once a record the
 * producer refuses aborts the transaction and stops the thread, and every restart replays it. So the
 * service refuses to start when its largest window would not fit, and cuts dead letters to fit.
 */
public final class IngestService implements AutoCloseable {

  private final KafkaStreams streams;
  private final StreamsHealth health;

  /** An ingest service that forgets entities after {@link WindowingTopology.Limits#DEFAULT_ENTITY_TTL}. */
  public IngestService(
      Map<String, Object> kafka, String applicationId, Path stateDir, int threads, WindowSpec spec,
      Tokenizer tokenizer, MeterRegistry registry) {
    this(kafka, applicationId, stateDir, threads, spec, tokenizer,
        WindowingTopology.Limits.DEFAULT_ENTITY_TTL, registry);
  }

  /** @param entityTtl silence after which an entity's state is forgotten */
  public IngestService(
      Map<String, Object> kafka, String applicationId, Path stateDir, int threads, WindowSpec spec,
      Tokenizer tokenizer, Duration entityTtl, MeterRegistry registry) {
    Properties props = StreamsApps.properties(kafka, applicationId, stateDir, threads);
    int maxRequest = maxRequestBytes(props);
    if (spec.largestWindowRecordBytes() > maxRequest) {
      throw new IllegalArgumentException(
          "windows of up to " + spec.capacity() + " steps make records of up to "
              + spec.largestWindowRecordBytes() + " bytes, more than the producer's max.request.size of "
              + maxRequest + ": shorten --window-length/--max-length or raise producer.max.request.size"
              + " (and the topic's max.message.bytes)");
    }
    StreamsBuilder builder = new StreamsBuilder();
    WindowingTopology.build(
        builder, spec, tokenizer, registry, new WindowingTopology.Limits(maxRequest, entityTtl));
    StreamsErrorHandlers.install(props, "ingest", registry);
    this.streams = new KafkaStreams(builder.build(), props);
    this.health = new StreamsHealth(streams, "ingest", registry);
  }

  /** The {@code max.request.size} Streams' producer will have: its prefixed setting, the plain one, or 1 MiB. */
  static int maxRequestBytes(Properties props) {
    Object value = props.get(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG));
    if (value == null) {
      value = props.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
    }
    return value == null ? Topics.DEFAULT_MAX_REQUEST_BYTES : Integer.parseInt(value.toString().trim());
  }

  public void start() {
    streams.start();
  }

  /** Running, its state restored. */
  public boolean ready() {
    return health.ready();
  }

  /** False once the Streams client has failed, stopped, or its threads keep dying. */
  public boolean alive() {
    return health.alive();
  }

  public KafkaStreams streams() {
    return streams;
  }

  @Override
  public void close() {
    streams.close(Duration.ofSeconds(30));
  }
}
