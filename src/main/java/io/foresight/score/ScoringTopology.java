package io.foresight.score;

import io.foresight.ops.StreamsApps;
import io.foresight.wire.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
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
   * @param batchSize windows per forward pass at most, across the tasks of a stream thread
   * @param maxWaitMs the longest a window waits for its batch to fill while windows keep arriving (the
   *     thread's forward passes not counted); a partial batch is scored as soon as its stream thread's
   *     input pauses
   */
  public record Options(int batchSize, long maxWaitMs) {
    public Options {
      if (batchSize < 1 || maxWaitMs < 1) {
        throw new IllegalArgumentException("batch size and wait must be positive");
      }
    }

    public static Options defaults() {
      return new Options(64, 5);
    }
  }

  private ScoringTopology() {}

  /**
   * The scorer's poll timeout: a stream thread with nothing buffered blocks in poll this long before
   * its next punctuation, and a partial batch is scored at the check after the one that saw windows
   * arrive; with the services' 10 ms poll each window waited 10 ms in its batch for the pause to show.
   */
  public static final long POLL_MS = ScoringProcessor.PAUSE_CHECK_MS;

  /** The client properties {@code kafka} with the scorer's {@link #POLL_MS}, unless it sets one. */
  public static Map<String, Object> client(Map<String, Object> kafka) {
    Map<String, Object> client = new HashMap<>(kafka);
    client.putIfAbsent(StreamsConfig.POLL_MS_CONFIG, POLL_MS);
    return client;
  }

  /** {@link StreamsApps#properties} of the scorer's {@link #client} properties. */
  public static Properties streamsProperties(
      Map<String, Object> kafka, String applicationId, Path stateDir, int threads) {
    return StreamsApps.properties(client(kafka), applicationId, stateDir, threads);
  }

  public static void build(
      StreamsBuilder builder, ModelHolder models, Options options, MeterRegistry registry) {
    // One batch per stream thread across its tasks: one forward pass for all of its partitions.
    ThreadLocal<ThreadBatch> batches = ThreadBatch.perThread(models, options, registry);
    // Cached: a window put and deleted (scored) between two commits never reaches the changelog, so
    // only windows that wait across a commit cost a changelog write.
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(PENDING_STORE), Serdes.Long(), Serdes.ByteArray())
            .withCachingEnabled());
    builder.stream(Topics.WINDOWS, Consumed.with(Serdes.String(), Serdes.ByteArray()))
        .process(() -> new ScoringProcessor(batches, registry), PENDING_STORE)
        .to(
            (key, value, context) -> value.topic(),
            Produced.with(Serdes.String(), ScoringProcessor.OUTGOING_SERDE));
  }
}
