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
 * The processor under exactly-once: it asks for a commit at once for a window a recent record
 * completed (live data must not wait for the commit interval), not for windows cut from a backlog; and
 * a task Streams re-initialises reads its state from the store again, not from decoded leftovers.
 */
class WindowCommitTest {

  private static final long NOW = 1_800_000_000_000L;

  private final MockProcessorContext<Object, Object> context = new MockProcessorContext<>();
  private WindowingProcessor processor;
  private KeyValueStore<String, byte[]> store;

  @BeforeEach
  void start() {
    store =
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

  @Test
  void aReinitialisedTaskForgetsDecodedStateTheStoreNoLongerHolds() {
    send(0, NOW - 10); // 4 of the 8 steps a window needs
    // What a task revived after an aborted transaction sees: its store restored to before that record.
    store.delete("dev");
    processor.init(context);

    send(40, NOW - 5); // with the 4 steps above still decoded, this would complete a window
    assertThat(context.forwarded()).isEmpty();
    send(80, NOW - 5);
    assertThat(context.forwarded()).singleElement().satisfies(f ->
        assertThat(((Window) f.record().value()).startTs()).isEqualTo(40));
  }
}
