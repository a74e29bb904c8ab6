package io.foresight.score;

import io.foresight.wire.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;

/**
 * The scorer's topology: {@code foresight.windows} through a micro-batching {@link ScoringProcessor}
 * to {@code foresight.embeddings}, {@code foresight.classifications} (once the model has a classifier)
 * and, for records that are not windows, {@code foresight.dlq}.
 */
public final class ScoringTopology {

  /** The store of windows received but not yet scored; changelogged, so none is lost on a crash. */
  public static final String PENDING_STORE = "scorer-pending";

  /**
   * @param batchSize windows per forward pass at most
   * @param maxWaitMs the longest a window waits for its batch to fill while windows keep arriving (the
   *     thread's forward passes not counted); a partial batch is scored as soon as its partition's
   *     input pauses
   */
  public record Options(int batchSize, long maxWaitMs) {
    public Options {
      if (batchSize < 1 || maxWaitMs < 1) {
        throw new IllegalArgumentException("batch size and wait must be positive");
      }
    }

    public static Options defaults() {
      return new Options(64, 20);
    }
  }

  private ScoringTopology() {}

  public static void build(
      StreamsBuilder builder, ModelHolder models, Options options, MeterRegistry registry) {
    // Cached: a window put and deleted (scored) between two commits never reaches the changelog, so
    // only windows that wait across a commit cost a changelog write.
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(PENDING_STORE), Serdes.Long(), Serdes.ByteArray())
            .withCachingEnabled());
    builder.stream(Topics.WINDOWS, Consumed.with(Serdes.String(), Serdes.ByteArray()))
        .process(() -> new ScoringProcessor(models, options, registry), PENDING_STORE)
        .to(
            (key, value, context) -> value.topic(),
            Produced.with(Serdes.String(), ScoringProcessor.OUTGOING_SERDE));
  }
}
