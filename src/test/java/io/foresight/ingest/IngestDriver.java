package io.foresight.ingest;

import io.foresight.model.Tokenizer;
import io.foresight.wire.Topics;
import io.foresight.wire.Window;
import io.foresight.wire.WindowCodec;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/** The ingest topology under a {@link TopologyTestDriver}, with JSON helpers for its input. */
final class IngestDriver implements AutoCloseable {

  static final Instant WALL_CLOCK_START = Instant.parse("2030-01-01T00:00:00Z");

  final TopologyTestDriver driver;
  final TestInputTopic<String, String> timesteps;
  final TestInputTopic<byte[], byte[]> rawTimesteps;
  final TestOutputTopic<String, Window> windows;
  final TestOutputTopic<byte[], byte[]> dlq;

  IngestDriver(WindowSpec spec, Tokenizer tokenizer, MeterRegistry registry, Path stateDir) {
    this(spec, tokenizer, registry, stateDir, WALL_CLOCK_START);
  }

  IngestDriver(WindowSpec spec, Tokenizer tokenizer, MeterRegistry registry, Path stateDir, Instant wallClockStart) {
    this(spec, tokenizer, registry, stateDir, wallClockStart, WindowingTopology.Limits.defaults());
  }

  IngestDriver(WindowSpec spec, Tokenizer tokenizer, MeterRegistry registry, Path stateDir, Instant wallClockStart,
      WindowingTopology.Limits limits) {
    StreamsBuilder builder = new StreamsBuilder();
    WindowingTopology.build(builder, spec, tokenizer, registry, limits);
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "ingest-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    driver = new TopologyTestDriver(builder.build(), props, wallClockStart);
    timesteps = driver.createInputTopic(Topics.TIMESTEPS, new StringSerializer(), new StringSerializer());
    rawTimesteps = driver.createInputTopic(Topics.TIMESTEPS, new ByteArraySerializer(), new ByteArraySerializer());
    windows = driver.createOutputTopic(Topics.WINDOWS, new StringDeserializer(), WindowCodec.serde().deserializer());
    dlq = driver.createOutputTopic(Topics.DLQ, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  static String step(long ts, double value) {
    return "{\"ts\":" + ts + ",\"value\":" + number(value) + "}";
  }

  static String chunk(long t0, long intervalMs, double... values) {
    StringBuilder json = new StringBuilder("{\"ts\":" + t0 + ",\"intervalMs\":" + intervalMs + ",\"values\":[");
    for (int i = 0; i < values.length; i++) {
      json.append(i == 0 ? "" : ",").append(number(values[i]));
    }
    return json.append("]}").toString();
  }

  static String chunk(long t0, long intervalMs, float[] values) {
    double[] d = new double[values.length];
    for (int i = 0; i < d.length; i++) {
      d[i] = values[i];
    }
    return chunk(t0, intervalMs, d);
  }

  static String end(long ts) {
    return "{\"ts\":" + ts + ",\"end\":true}";
  }

  private static String number(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }

  void send(String entity, String json, long recordTs) {
    timesteps.pipeInput(entity, json, recordTs);
  }

  void sendRaw(byte[] key, byte[] value, long recordTs) {
    rawTimesteps.pipeInput(new TestRecord<>(key, value, null, recordTs));
  }

  void advanceWallClock(Duration d) {
    driver.advanceWallClockTime(d);
  }

  List<Window> windows() {
    return windows.readValuesToList();
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    driver.close();
  }
}
