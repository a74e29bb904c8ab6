package io.foresight.ingest;

import io.foresight.model.Tokenizer;
import io.foresight.wire.Topics;
import io.foresight.wire.Window;
import io.foresight.wire.WindowCodec;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Objects;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;

/**
 * The ingest topology: {@code foresight.timesteps} in, {@code foresight.windows} and
 * {@code foresight.dlq} out.
 *
 * <pre>
 * foresight.timesteps (byte[] key, byte[] value)
 *   └─ windowing processor ── store "ingest-buffers" (BufferStore: decoded write-behind over RocksDB, changelogged; entity → EntityBuffer)
 *        ├─ Window            ─► foresight.windows (String key, WindowCodec)
 *        └─ rejected record   ─► foresight.dlq (original key and value bytes, DeadLetters headers)
 * </pre>
 *
 * <p>The source reads keys as bytes rather than Strings so that a key that is not UTF-8 reaches the DLQ
 * byte for byte; valid keys are decoded exactly as {@code StringDeserializer} would. The processor's
 * rules (duplicates, late records, when sequences close, window timestamps) are in the Javadoc of
 * {@link WindowingProcessor}; the store's layout in {@link EntityBuffer}; the meters in
 * {@link IngestMetrics}.
 */
public final class WindowingTopology {

  /** The per-entity buffer store; its changelog is {@code <application.id>-ingest-buffers-changelog}. */
  public static final String STORE = "ingest-buffers";
  /** Name of the windowing processor node. */
  public static final String PROCESSOR = "ingest-windowing";

  /**
   * What bounds ingest's outputs and state.
   *
   * @param maxRecordBytes the producer's {@code max.request.size}: dead letters are cut to fit it
   * @param entityTtl an entity that sent nothing for this long (record time, see {@link
   *     WindowingProcessor}) is forgotten: its state is deleted (a tombstone in the changelog)
   */
  public record Limits(int maxRecordBytes, Duration entityTtl) {

    /** Entities are forgotten after a week of silence. */
    public static final Duration DEFAULT_ENTITY_TTL = Duration.ofDays(7);

    public Limits {
      if (maxRecordBytes <= Topics.RECORD_OVERHEAD_BYTES || entityTtl.toMillis() < 1) {
        throw new IllegalArgumentException("limits must leave room for a record and a positive TTL: "
            + maxRecordBytes + " bytes, " + entityTtl);
      }
    }

    public static Limits defaults() {
      return new Limits(Topics.DEFAULT_MAX_REQUEST_BYTES, DEFAULT_ENTITY_TTL);
    }
  }

  private WindowingTopology() {}

  /**
   * Adds the ingest topology to {@code builder}.
   *
   * @param spec how windows are cut
   * @param tokenizer the deployment's tokeniser: integer mode rejects steps outside {@code [0, V)}
   * @param registry where the meters listed in {@link IngestMetrics} are registered
   */
  public static void build(StreamsBuilder builder, WindowSpec spec, Tokenizer tokenizer, MeterRegistry registry) {
    build(builder, spec, tokenizer, registry, Limits.defaults());
  }

  /** Adds the ingest topology to {@code builder}, its outputs and state bounded by {@code limits}. */
  public static void build(
      StreamsBuilder builder, WindowSpec spec, Tokenizer tokenizer, MeterRegistry registry, Limits limits) {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(tokenizer, "tokenizer");
    IngestMetrics metrics = new IngestMetrics(registry, spec.mode());
    builder.addStateStore(new BufferStore.Builder(
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(), Serdes.ByteArray()),
        spec, DecodedBuffers.DEFAULT_BUDGET_BYTES));

    KStream<Object, Object> out = builder
        .stream(Topics.TIMESTEPS, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("ingest-timesteps"))
        .process(() -> new WindowingProcessor(spec, tokenizer, metrics, limits), Named.as(PROCESSOR), STORE);
    out.split(Named.as("ingest-"))
        .branch(
            (key, value) -> value instanceof Window,
            Branched.withConsumer(
                windows -> windows.to(Topics.WINDOWS, Produced.with(as(Serdes.String()), as(WindowCodec.serde()))
                    .withName("ingest-windows-sink")),
                "windows"))
        .defaultBranch(
            Branched.withConsumer(
                rejected -> rejected.to(Topics.DLQ, Produced.with(as(Serdes.ByteArray()), deadLetterSerde())
                    .withName("ingest-dlq-sink")),
                "dlq"));
  }

  @SuppressWarnings("unchecked")
  private static Serde<Object> as(Serde<?> serde) {
    return (Serde<Object>) serde;
  }

  /** Writes a rejected record's original value bytes back unchanged. */
  private static Serde<Object> deadLetterSerde() {
    return Serdes.serdeFrom(
        (topic, value) -> value == null ? null : ((WindowingProcessor.DeadLetter) value).value(),
        (topic, bytes) -> new WindowingProcessor.DeadLetter(bytes));
  }
}
