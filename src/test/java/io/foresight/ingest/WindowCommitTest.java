package io.foresight.ingest;

import static io.foresight.ingest.IngestDriver.chunk;
import static io.foresight.ingest.IngestDriver.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import io.foresight.model.Tokenizer;
import io.foresight.wire.Window;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * When ingest asks for an exactly-once commit: at once for a window a recent record completed (live
 * data must not wait for the commit interval), not for windows cut from a backlog.
 */
class WindowCommitTest {

  private static final long NOW = 1_800_000_000_000L;

  private final MockProcessorContext<Object, Object> context = new MockProcessorContext<>();
  private WindowingProcessor processor;

  @BeforeEach
  void start() {
    KeyValueStore<String, byte[]> store =
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(WindowingTopology.STORE), Serdes.String(), Serdes.ByteArray())
            .withLoggingDisabled()
            .build();
    store.init(context.getStateStoreContext(), store);
    context.addStateStore(store);
    context.setCurrentSystemTimeMs(NOW);
    processor = new WindowingProcessor(WindowSpec.sliding(8, 4), Tokenizer.integer(41), new IngestMetrics(
        new SimpleMeterRegistry(), WindowSpec.Mode.SLIDING));
    processor.init(context);
  }

  private void send(long t0, long recordTimestamp) {
    processor.process(new Record<>(utf8("dev"), utf8(chunk(t0, 10, 1, 2, 3, 4)), recordTimestamp));
  }

  @Test
  void aWindowCompletedByARecentRecordRequestsACommit() {
    send(0, NOW - 10);
    assertThat(context.forwarded()).isEmpty();
    assertThat(context.committed()).as("no window yet: nothing to hurry").isFalse();
    send(40, NOW - 5);
    assertThat(context.forwarded()).singleElement().matches(f -> f.record().value() instanceof Window);
    assertThat(context.committed()).isTrue();
  }

  @Test
  void windowsCutFromABacklogWaitForTheCommitInterval() {
    long old = NOW - WindowingProcessor.FRESH_MS - 1;
    send(0, old);
    send(40, old);
    send(80, old);
    assertThat(context.forwarded()).hasSize(2);
    assertThat(context.committed()).isFalse();
  }
}
