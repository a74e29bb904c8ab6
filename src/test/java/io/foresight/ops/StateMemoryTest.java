package io.foresight.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

class StateMemoryTest {

  private static final long BUDGET = 8L << 20;

  @Test
  void storesUseTheProcessBudgetInsteadOfTheirOwnCachesAndMemtables() throws Exception {
    Map<String, Double> bounded = writeFortyMegabytes(Map.of(StateMemory.BUDGET_CONFIG, BUDGET));
    assertThat(bounded.get("block-cache-capacity")).isEqualTo((double) BUDGET);
    // the memtables are charged to the budget's quarter, so RocksDB flushed them long before 40 MB
    assertThat(bounded.get("size-all-mem-tables")).isLessThan(BUDGET / 2.0);

    Map<String, Double> unbounded = writeFortyMegabytes(
        Map.of(org.apache.kafka.streams.StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, ""));
    assertThat(unbounded.get("block-cache-capacity")).isGreaterThan(4.0 * BUDGET);
  }

  @Test
  void aBudgetTooSmallToHoldAnIndexIsRefusedAtConfigurationNotInsideRocksDb() {
    assertThatThrownBy(() -> StreamsApps.properties(
            Map.of(StateMemory.BUDGET_CONFIG, "1000"), "app", Path.of("/s"), 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(StateMemory.BUDGET_CONFIG);
    assertThat(StreamsApps.properties(Map.of(), "app", Path.of("/s"), 1))
        .containsEntry(StateMemory.BUDGET_CONFIG, StateMemory.DEFAULT_BUDGET_BYTES);
  }

  /** 20 000 values of 2 KiB into one RocksDB store; the store's RocksDB metrics afterwards. */
  private static Map<String, Double> writeFortyMegabytes(Map<String, Object> overrides) throws Exception {
    StreamsBuilder builder = new StreamsBuilder();
    builder.addStateStore(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore("state"), Serdes.String(), Serdes.ByteArray()).withCachingDisabled()
        .withLoggingDisabled());
    builder.stream("in", org.apache.kafka.streams.kstream.Consumed.with(Serdes.String(), Serdes.ByteArray()))
        .process(() -> new Processor<String, byte[], Void, Void>() {
          private KeyValueStore<String, byte[]> store;

          @Override
          public void init(ProcessorContext<Void, Void> context) {
            store = context.getStateStore("state");
          }

          @Override
          public void process(Record<String, byte[]> record) {
            store.put(record.key(), record.value());
          }
        }, "state");
    Properties props = new Properties();
    props.putAll(StreamsApps.properties(Map.of(), "memory-test", Files.createTempDirectory("memory"), 1));
    overrides.forEach((k, v) -> {
      if ("".equals(v)) {
        props.remove(k);
      } else {
        props.put(k, v);
      }
    });
    props.put("bootstrap.servers", "unused:9092");
    try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), props)) {
      TestInputTopic<String, byte[]> in =
          driver.createInputTopic("in", new StringSerializer(), new ByteArraySerializer());
      byte[] value = new byte[2048];
      for (int i = 0; i < 20_000; i++) {
        value[i % value.length] = (byte) i;
        in.pipeInput("entity-" + i, value);
      }
      Map<String, Double> figures = new java.util.HashMap<>();
      for (Metric m : driver.metrics().values()) {
        if (m.metricName().group().equals("stream-state-metrics") && m.metricValue() instanceof Number n) {
          figures.merge(m.metricName().name(), n.doubleValue(), Math::max);
        }
      }
      return figures;
    }
  }
}
