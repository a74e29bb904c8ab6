package io.foresight.ingest;

import static io.foresight.ingest.IngestDriver.chunk;
import static io.foresight.ingest.IngestDriver.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.foresight.model.Tokenizer;
import io.foresight.wire.Window;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
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
  private static final WindowSpec SPEC = WindowSpec.sliding(8, 4);

  /** A context whose forward can be made to fail, as a sink's serialiser or a bug might. */
  private static final class FailingContext extends MockProcessorContext<Object, Object> {
    boolean failForward;

    @Override
    public <K extends Object, V extends Object> void forward(Record<K, V> record) {
      if (failForward) {
        throw new IllegalStateException("forward failed");
      }
      super.forward(record);
    }
  }

  private final FailingContext context = new FailingContext();
  private WindowingProcessor processor;
  private BufferStore store;

  @BeforeEach
  void start() {
    store = new BufferStore.Builder(
            Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(WindowingTopology.STORE), Serdes.String(), Serdes.ByteArray()),
            SPEC, DecodedBuffers.DEFAULT_BUDGET_BYTES)
        .withLoggingDisabled()
        .build();
    store.init(context.getStateStoreContext(), store);
    context.addStateStore(store);
    context.setCurrentSystemTimeMs(NOW);
    processor = new WindowingProcessor(SPEC, Tokenizer.integer(41), new IngestMetrics(
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
    store.flushCache();
    // What a task revived after an aborted transaction sees: its store restored to before that record.
    store.wrapped().delete("dev");
    store.init(context.getStateStoreContext(), store);
    processor.init(context);

    send(40, NOW - 5); // with the 4 steps above still decoded, this would complete a window
    assertThat(context.forwarded()).isEmpty();
    send(80, NOW - 5);
    assertThat(context.forwarded()).singleElement().satisfies(f ->
        assertThat(((Window) f.record().value()).startTs()).isEqualTo(40));
  }

  @Test
  void changesReachTheEncodedStoreWhenStreamsFlushesBeforeItsCommit() {
    send(0, NOW - 10);
    send(40, NOW - 10);
    assertThat(store.wrapped().get("dev")).as("written behind, not per record").isNull();

    store.flushCache(); // what Kafka Streams does before it flushes the producer and commits

    EntityBuffer stored = EntityBuffer.decode(store.wrapped().get("dev"), SPEC);
    assertThat(stored.lastTs).isEqualTo(70);
    assertThat(stored.nextSequence).isEqualTo(1);
    assertThat(store.isDirty("dev")).isFalse();
    assertThat(store.lateWrites()).isZero();
  }

  @Test
  void aRecordThatFailsHalfWayLeavesTheStateAsItWasBeforeIt() {
    send(0, NOW - 10); // changes not yet written back: the store cannot undo the failure alone
    context.failForward = true;
    assertThatThrownBy(() -> send(40, NOW - 5)).hasMessage("forward failed"); // fails after appending
    context.failForward = false;

    send(40, NOW - 5); // retried, as after the handler or a restart: not a duplicate of itself
    assertThat(context.forwarded()).singleElement().satisfies(f ->
        assertThat(((Window) f.record().value()).values()).containsExactly(1, 2, 3, 4, 1, 2, 3, 4));
  }

  @Test
  void aRecordThatFailsHalfWayOnAWrittenBackStateLeavesTheStoredOne() {
    send(0, NOW - 10);
    store.flushCache();
    context.failForward = true;
    assertThatThrownBy(() -> send(40, NOW - 5)).hasMessage("forward failed");
    context.failForward = false;

    send(40, NOW - 5);
    assertThat(context.forwarded()).singleElement().satisfies(f ->
        assertThat(((Window) f.record().value()).startTs()).isZero());
  }
}
