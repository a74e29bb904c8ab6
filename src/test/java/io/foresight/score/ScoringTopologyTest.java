package io.foresight.score;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import com.fasterxml.jackson.databind.JsonNode;
import io.foresight.classify.FittedClassifier;
import io.foresight.learn.Inference;
import io.foresight.minirocket.MiniRocket;
import io.foresight.model.ForesightNet;
import io.foresight.model.Encoder;
import io.foresight.model.ModelConfig;
import io.foresight.model.SingleCpuThread;
import io.foresight.model.Tokenizer;
import io.foresight.wire.Checkpoint;
import io.foresight.wire.CheckpointCodec;
import io.foresight.wire.DeadLetters;
import io.foresight.wire.Json;
import io.foresight.wire.Topics;
import io.foresight.wire.Window;
import io.foresight.wire.WindowCodec;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
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
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The scoring topology on TopologyTestDriver with a real DJL model. */
@ExtendWith(SingleCpuThread.class)
class ScoringTopologyTest {

  /** The driver's wall clock at start; record timestamps near it make live windows. */
  private static final long START_MS = 0;

  private static final ModelConfig SMALL = new ModelConfig(Encoder.CAUSAL_CNN, 8, 2, 3, 16, 2);

  @TempDir Path stateDir;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private ModelHolder models;
  private TopologyTestDriver driver;
  private TestInputTopic<String, byte[]> windows;
  private TestOutputTopic<String, byte[]> classifications;
  private TestOutputTopic<String, byte[]> embeddings;
  private TestOutputTopic<String, byte[]> dlq;

  @BeforeEach
  void start() {
    models = new ModelHolder(registry);
    startDriver(new ScoringTopology.Options(4, 10));
  }

  private void startDriver(ScoringTopology.Options options) {
    if (driver != null) {
      driver.close();
    }
    StreamsBuilder builder = new StreamsBuilder();
    ScoringTopology.build(builder, models, options, registry);
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "scorer-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    // The wall clock starts where the tests' record timestamps are: their windows are live.
    driver = new TopologyTestDriver(builder.build(), props, Instant.ofEpochMilli(START_MS));
    driverWallClockMs = START_MS;
    windows = driver.createInputTopic(Topics.WINDOWS, new StringSerializer(), new ByteArraySerializer());
    classifications =
        driver.createOutputTopic(Topics.CLASSIFICATIONS, new StringDeserializer(), new ByteArrayDeserializer());
    embeddings =
        driver.createOutputTopic(Topics.EMBEDDINGS, new StringDeserializer(), new ByteArrayDeserializer());
    dlq = driver.createOutputTopic(Topics.DLQ, new StringDeserializer(), new ByteArrayDeserializer());
  }

  @AfterEach
  void stop() {
    driver.close();
    models.close();
  }

  private static byte[] checkpoint(long version, int classes) {
    try (ForesightNet net = ForesightNet.create(SMALL.withClasses(classes), Tokenizer.integer(41))) {
      List<String> names = classes == 0 ? List.of() : List.of("idle", "busy");
      return CheckpointCodec.encode(Checkpoint.of(net, version, names, Map.of()));
    }
  }

  private void send(String entity, long sequence, long timestamp) {
    float[] values = new float[32];
    for (int t = 0; t < values.length; t++) {
      values[t] = (t * 7 + sequence) % 41;
    }
    Window w = new Window(entity, sequence * 100, sequence * 100 + 31, sequence, values);
    windows.pipeInput(entity, WindowCodec.encode(w), Instant.ofEpochMilli(timestamp));
  }

  private static JsonNode json(byte[] bytes) throws Exception {
    return Json.MAPPER.readTree(bytes);
  }

  /** A window of class "wave" (a ramp that wraps) or "flat" (one level), 48 steps. */
  private static Window labelled(String entity, long sequence, boolean wave) {
    float[] values = new float[48];
    for (int t = 0; t < values.length; t++) {
      values[t] = wave ? (t + sequence) % 12 : 5 + (sequence % 3);
    }
    return new Window(entity, sequence * 100, sequence * 100 + 47, sequence, values);
  }

  @Test
  void aFittedClassifierIsServedExactlyAsFittedAndAModelWithoutOneClassifiesNothing() throws Exception {
    try (ForesightNet net = ForesightNet.create(SMALL.withClasses(0), Tokenizer.integer(41))) {
      List<Window> train = new java.util.ArrayList<>();
      for (int i = 0; i < 12; i++) {
        train.add(labelled("dev-" + (i % 4), i, i % 2 == 0));
      }
      List<double[]> values = train.stream().map(Window::doubles).toList();
      MiniRocket rocket = MiniRocket.fit(values, 0);
      float[][] trainEmbeddings = Inference.run(net, tokens(net, train)).embeddings();
      FittedClassifier classifier =
          FittedClassifier.fit(
              rocket, rocket.transform(values), trainEmbeddings,
              train.stream().map(w -> w.sequence() % 2 == 0 ? "wave" : "flat").toList(),
              train.stream().map(Window::entity).toList());
      Checkpoint unfitted = Checkpoint.of(net, 1, List.of(), Map.of());
      models.offer(CheckpointCodec.encode(unfitted));

      Window first = labelled("new", 100, true);
      windows.pipeInput("new", WindowCodec.encode(first), Instant.ofEpochMilli(1));
      driver.advanceWallClockTime(Duration.ofMillis(20));
      assertThat(embeddings.readRecordsToList()).hasSize(1);
      assertThat(classifications.isEmpty()).isTrue();

      models.offer(CheckpointCodec.encode(unfitted.withClassifier(classifier).withVersion(2)));
      List<Window> unseen = List.of(labelled("new", 101, true), labelled("new", 102, false));
      for (Window w : unseen) {
        windows.pipeInput("new", WindowCodec.encode(w), Instant.ofEpochMilli(2));
      }
      driver.advanceWallClockTime(Duration.ofMillis(20));
      List<TestRecord<String, byte[]>> classified = classifications.readRecordsToList();
      assertThat(classified).hasSize(2);
      float[][] embedded = Inference.run(net, tokens(net, unseen)).embeddings();
      for (int i = 0; i < unseen.size(); i++) {
        JsonNode c = json(classified.get(i).value());
        double[] expected = classifier.probabilities(classifier.rocketFeatures(unseen.get(i).doubles()), embedded[i]);
        assertThat(c.get("modelVersion").asLong()).isEqualTo(2);
        assertThat(c.get("probabilities").get("flat").asDouble()).isCloseTo(expected[0], org.assertj.core.data.Offset.offset(1e-5));
        assertThat(c.get("probabilities").get("wave").asDouble()).isCloseTo(expected[1], org.assertj.core.data.Offset.offset(1e-5));
        assertThat(c.get("label").asText()).isEqualTo(i == 0 ? "wave" : "flat");
      }
    }
  }

  private static List<Tokenizer.Tokens> tokens(ForesightNet net, List<Window> windows) {
    return windows.stream().map(w -> net.tokenizer().encode(w.doubles(), Tokenizer.OutOfRange.ERROR)).toList();
  }

  @Test
  void everyWindowGetsOneEmbeddingAndOneClassificationStampedWithTheServingVersion() throws Exception {
    models.offer(checkpoint(1, 2));
    for (int i = 0; i < 6; i++) {
      send("dev-" + (i % 2), i, 1_000 + i);
    }
    // four filled a batch; the other two wait for the wall-clock flush
    assertThat(embeddings.getQueueSize()).isEqualTo(4);
    driver.advanceWallClockTime(Duration.ofMillis(20));
    List<TestRecord<String, byte[]>> embedded = embeddings.readRecordsToList();
    List<TestRecord<String, byte[]>> classified = classifications.readRecordsToList();
    assertThat(embedded).hasSize(6);
    assertThat(classified).hasSize(6);
    for (int i = 0; i < 6; i++) {
      JsonNode c = json(classified.get(i).value());
      assertThat(classified.get(i).key()).isEqualTo("dev-" + (i % 2));
      assertThat(classified.get(i).timestamp()).isEqualTo(1_000 + i);
      assertThat(c.get("entity").asText()).isEqualTo("dev-" + (i % 2));
      assertThat(c.get("windowStart").asLong()).isEqualTo(i * 100);
      assertThat(c.get("modelVersion").asLong()).isEqualTo(1);
      assertThat(c.get("label").asText()).isIn("idle", "busy");
      assertThat(c.get("probabilities").get("idle").asDouble() + c.get("probabilities").get("busy").asDouble())
          .isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
      assertThat(c.get("surprise").asDouble()).isPositive();
      JsonNode e = json(embedded.get(i).value());
      assertThat(e.get("vector")).hasSize(SMALL.embeddingDim());
      assertThat(e.get("windowEnd").asLong()).isEqualTo(i * 100 + 31);
    }
    assertThat(registry.counter("foresight.scorer.windows").count()).isEqualTo(6);
  }

  @Test
  void aPartialBatchKeepsFillingWhileWindowsArriveAndIsScoredWhenTheInputPauses() {
    models.offer(checkpoint(1, 2));
    startDriver(new ScoringTopology.Options(64, 1_000));
    Duration check = Duration.ofMillis(ScoringProcessor.PAUSE_CHECK_MS);
    send("dev-0", 0, 1_000);
    driver.advanceWallClockTime(check);
    send("dev-1", 1, 1_001);
    driver.advanceWallClockTime(check);
    assertThat(embeddings.getQueueSize()).as("windows still arriving: the batch waits").isZero();
    driver.advanceWallClockTime(check);
    assertThat(embeddings.readRecordsToList()).as("no window since the last check: scored").hasSize(2);
    assertThat(registry.summary("foresight.scorer.batch.size").count()).isEqualTo(1);
  }

  /**
   * Sends a window of dev-0 at every check, its record {@code ageMs} old, until the first embedding
   * appears; returns how many were sent (at most {@code bound}).
   */
  private int windowsSentUntilScored(long ageMs, int bound) {
    Duration check = Duration.ofMillis(ScoringProcessor.PAUSE_CHECK_MS);
    long startMs = driverWallClockMs;
    int sent = 0;
    while (embeddings.isEmpty()) {
      assertThat(sent).as("windows sent before the first was scored").isLessThan(bound);
      send("dev-0", sent + 1, startMs + sent * check.toMillis() - ageMs);
      sent++;
      advance(check);
    }
    return sent;
  }

  private long driverWallClockMs = START_MS;

  private void advance(Duration d) {
    driver.advanceWallClockTime(d);
    driverWallClockMs += d.toMillis();
  }

  @Test
  void aWindowWaitsNoLongerThanMaxWaitEvenWhileWindowsKeepArriving() {
    models.offer(checkpoint(1, 2));
    startDriver(new ScoringTopology.Options(64, 20));
    int sent = windowsSentUntilScored(0, 12);
    int checks = (int) (20 / ScoringProcessor.PAUSE_CHECK_MS);
    assertThat(sent).isEqualTo(checks); // the first window had waited 20 ms at this check
    assertThat(embeddings.readRecordsToList()).hasSize(checks);
  }

  @Test
  void aBacklogBatchKeepsFillingLongerThanMaxWaitSinceItsLatencyIsLostAnyway() {
    models.offer(checkpoint(1, 2));
    startDriver(new ScoringTopology.Options(64, 20));
    advance(Duration.ofMillis(3 * ThreadBatch.FRESH_MS));
    int sent = windowsSentUntilScored(2 * ThreadBatch.FRESH_MS, 100); // records two seconds old: a backlog
    assertThat(sent).isEqualTo((int) (ThreadBatch.BACKLOG_WAIT_MS / ScoringProcessor.PAUSE_CHECK_MS));
  }

  @Test
  void aLiveWindowBehindABacklogOneWaitsNoLongerThanMaxWait() {
    models.offer(checkpoint(1, 2));
    startDriver(new ScoringTopology.Options(64, 20));
    advance(Duration.ofMillis(3 * ThreadBatch.FRESH_MS));
    send("late", 0, driverWallClockMs - 2 * ThreadBatch.FRESH_MS); // a backlog window first
    int sent = windowsSentUntilScored(0, 40);
    assertThat(sent).isEqualTo((int) (20 / ScoringProcessor.PAUSE_CHECK_MS));
  }

  @Test
  void aScoredBatchRequestsACommitSoItsResultsAreVisibleAtOnce() {
    models.offer(checkpoint(1, 2));
    MockProcessorContext<String, ScoringProcessor.Outgoing> context = new MockProcessorContext<>();
    KeyValueStore<Long, byte[]> store =
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(ScoringTopology.PENDING_STORE), Serdes.Long(), Serdes.ByteArray())
            .withLoggingDisabled()
            .build();
    store.init(context.getStateStoreContext(), store);
    context.addStateStore(store);
    context.setCurrentSystemTimeMs(2_000);
    ScoringProcessor processor = new ScoringProcessor(models, new ScoringTopology.Options(2, 1_000), registry);
    processor.init(context);
    for (int i = 0; i < 2; i++) {
      float[] values = new float[32];
      Window w = new Window("dev-" + i, 0, 31, i, values);
      processor.process(new Record<>("dev-" + i, WindowCodec.encode(w), 1_000L));
      if (i == 0) {
        assertThat(context.committed()).as("nothing scored yet").isFalse();
      }
    }
    assertThat(context.forwarded()).hasSize(4); // an embedding and a classification per window
    assertThat(context.committed()).isTrue();
  }

  /** A processor on a mock context over an in-memory pending store, as Streams would run it. */
  private record Mocked(
      MockProcessorContext<String, ScoringProcessor.Outgoing> context, ScoringProcessor processor) {}

  private Mocked mocked(ScoringTopology.Options options) {
    return mocked(ThreadBatch.perThread(models, options, registry));
  }

  /** A processor whose stream thread's batch is {@code thread}'s: the tasks of one thread. */
  private Mocked mocked(ThreadLocal<ThreadBatch> thread) {
    MockProcessorContext<String, ScoringProcessor.Outgoing> context = new MockProcessorContext<>();
    KeyValueStore<Long, byte[]> store =
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(ScoringTopology.PENDING_STORE), Serdes.Long(), Serdes.ByteArray())
            .withLoggingDisabled()
            .build();
    store.init(context.getStateStoreContext(), store);
    context.addStateStore(store);
    context.setCurrentSystemTimeMs(2_000);
    ScoringProcessor processor = new ScoringProcessor(thread, registry);
    processor.init(context);
    return new Mocked(context, processor);
  }

  private static Record<String, byte[]> window(String entity) {
    return new Record<>(entity, WindowCodec.encode(new Window(entity, 0, 31, 0, new float[32])), 1_900L);
  }

  /** Runs the task's wall-clock punctuation at {@code nowMs}, as its stream thread would. */
  private static void punctuate(Mocked m, long nowMs) {
    m.context().setCurrentSystemTimeMs(nowMs);
    m.context().scheduledPunctuators().forEach(p -> p.getPunctuator().punctuate(nowMs));
  }

  private static List<String> embedded(Mocked m) {
    return m.context().forwarded().stream()
        .filter(f -> f.record().value().topic().equals(Topics.EMBEDDINGS))
        .<String>map(f -> f.record().key())
        .toList();
  }

  @Test
  void theTasksOfOneStreamThreadShareOneForwardPassAndEachForwardsItsOwnWindows() {
    models.offer(checkpoint(1, 2));
    ThreadLocal<ThreadBatch> thread = ThreadBatch.perThread(models, new ScoringTopology.Options(64, 1_000), registry);
    Mocked first = mocked(thread);
    Mocked second = mocked(thread);
    first.processor().process(window("dev-0"));
    second.processor().process(window("dev-1"));
    second.processor().process(window("dev-2"));
    long check = ScoringProcessor.PAUSE_CHECK_MS;
    punctuate(first, 2_000 + check);
    punctuate(second, 2_000 + check);
    assertThat(embedded(first)).as("windows arrived since the last check: the batch waits").isEmpty();
    punctuate(first, 2_000 + 2 * check); // no window since: the thread's batch is scored here
    punctuate(second, 2_000 + 2 * check);
    assertThat(registry.summary("foresight.scorer.batch.size").count()).as("forward passes").isEqualTo(1);
    assertThat(registry.summary("foresight.scorer.batch.size").totalAmount()).isEqualTo(3);
    assertThat(embedded(first)).containsExactly("dev-0");
    assertThat(embedded(second)).containsExactly("dev-1", "dev-2");
    assertThat(second.context().committed())
        .as("a commit once the last task forwarded its share, so the whole batch commits together")
        .isTrue();
  }

  @Test
  void aTaskClosedBeforeItForwardedWhatAnotherTaskScoredScoresItOnceAfterItIsRevived() {
    models.offer(checkpoint(1, 2));
    ThreadLocal<ThreadBatch> thread = ThreadBatch.perThread(models, new ScoringTopology.Options(2, 1_000), registry);
    Mocked first = mocked(thread);
    Mocked second = mocked(thread);
    second.processor().process(window("dev-1"));
    first.processor().process(window("dev-0")); // the batch is full: scored in first's call
    assertThat(embedded(first)).containsExactly("dev-0");
    assertThat(embedded(second)).as("second forwards in its own call, not first's").isEmpty();
    second.processor().close();
    second.processor().init(second.context());
    punctuate(second, 2_000 + ScoringProcessor.PAUSE_CHECK_MS);
    punctuate(second, 2_000 + 2 * ScoringProcessor.PAUSE_CHECK_MS);
    assertThat(embedded(second)).containsExactly("dev-1");
  }

  @Test
  void aTaskRevivedInTheSameProcessScoresEachPendingWindowOnce() {
    models.offer(checkpoint(1, 2));
    Mocked m = mocked(new ScoringTopology.Options(3, 1_000));
    for (int i = 0; i < 2; i++) {
      m.processor().process(new Record<>("dev-" + i, WindowCodec.encode(new Window("dev-" + i, 0, 31, 0, new float[32])), 1_000L));
    }
    // Streams revives a corrupted task (a commit that timed out) by closing and initialising the same
    // processor again over its store.
    m.processor().close();
    m.processor().init(m.context());
    m.processor().process(new Record<>("dev-2", WindowCodec.encode(new Window("dev-2", 0, 31, 0, new float[32])), 1_000L));
    List<String> embedded = m.context().forwarded().stream()
        .filter(f -> f.record().value().topic().equals(Topics.EMBEDDINGS))
        .<String>map(f -> f.record().key())
        .toList();
    assertThat(embedded).containsExactlyInAnyOrder("dev-0", "dev-1", "dev-2");
  }

  @Test
  void aWindowRejectedWhenItsBatchIsScoredCarriesItsOwnSourceOffset() {
    models.offer(checkpoint(1, 2));
    Mocked m = mocked(new ScoringTopology.Options(2, 1_000));
    float[] unreadable = new float[32];
    unreadable[5] = Float.NaN;
    m.context().setRecordMetadata(Topics.WINDOWS, 0, 10);
    m.processor().process(new Record<>("bad", WindowCodec.encode(new Window("bad", 0, 31, 0, unreadable)), 1_000L));
    m.context().setRecordMetadata(Topics.WINDOWS, 0, 11);
    m.processor().process(new Record<>("good", WindowCodec.encode(new Window("good", 0, 31, 0, new float[32])), 1_000L));
    var rejected = m.context().forwarded().stream()
        .filter(f -> f.record().value().topic().equals(Topics.DLQ))
        .toList();
    assertThat(rejected).hasSize(1);
    assertThat(rejected.get(0).record().key()).isEqualTo("bad");
    assertThat(DeadLetters.get(rejected.get(0).record().headers(), DeadLetters.REASON)).isEqualTo("untokenisable-window");
    assertThat(DeadLetters.get(rejected.get(0).record().headers(), DeadLetters.SOURCE_OFFSET)).isEqualTo("10");
    assertThat(registry.counter("foresight.dlq.records", "service", "scorer", "reason", "untokenisable-window").count())
        .isEqualTo(1);
  }

  @Test
  void aNewVersionIsSwappedInMidStreamAndBadCheckpointsAreRejectedWhileTheOldOneServes() throws Exception {
    models.offer(checkpoint(1, 0)); // no classifier yet: embeddings only
    send("a", 0, 1);
    driver.advanceWallClockTime(Duration.ofMillis(20));
    assertThat(classifications.isEmpty()).isTrue();
    assertThat(json(embeddings.readValue()).get("modelVersion").asLong()).isEqualTo(1);

    byte[] corrupt = checkpoint(2, 2);
    corrupt[corrupt.length / 2] ^= 0x5A;
    assertThat(models.offer(corrupt)).isFalse();
    try (ForesightNet deeper =
        ForesightNet.create(SMALL.withSize(8, 3).withClasses(2), Tokenizer.integer(41))) {
      Checkpoint misfit = Checkpoint.of(deeper, 3, List.of("idle", "busy"), Map.of());
      // Claims the smaller architecture but carries the deeper one's parameters.
      Checkpoint lying =
          new Checkpoint(3, SMALL.withClasses(2), misfit.tokenizer(), misfit.classNames(), Map.of(), misfit.sections());
      assertThat(models.offer(CheckpointCodec.encode(lying))).isFalse();
    }
    try (ForesightNet diverged = ForesightNet.create(SMALL.withClasses(2), Tokenizer.integer(41))) {
      // A training run that diverged: one weight turned NaN.
      NDArray weight = diverged.parts().iterator().next().getParameters().valueAt(0).getArray();
      weight.set(new NDIndex("0"), Float.NaN);
      assertThat(diverged.firstNonFiniteParameter()).isNotNull();
      assertThat(models.offer(Checkpoint.of(diverged, 3, List.of("idle", "busy"), Map.of()))).isFalse();
    }
    assertThat(models.offer(checkpoint(1, 2))).isFalse(); // not newer
    send("a", 1, 2);
    driver.advanceWallClockTime(Duration.ofMillis(20));
    assertThat(json(embeddings.readValue()).get("modelVersion").asLong()).isEqualTo(1);

    assertThat(models.offer(checkpoint(4, 2))).isTrue();
    send("a", 2, 3);
    driver.advanceWallClockTime(Duration.ofMillis(20));
    assertThat(json(embeddings.readValue()).get("modelVersion").asLong()).isEqualTo(4);
    assertThat(json(classifications.readValue()).get("modelVersion").asLong()).isEqualTo(4);

    assertThat(registry.counter("foresight.scorer.checkpoints.rejected", "reason", "checksum").count()).isEqualTo(1);
    assertThat(registry.counter("foresight.scorer.checkpoints.rejected", "reason", "architecture").count()).isEqualTo(1);
    assertThat(registry.counter("foresight.scorer.checkpoints.rejected", "reason", "non-finite").count()).isEqualTo(1);
    assertThat(registry.counter("foresight.scorer.checkpoints.rejected", "reason", "stale").count()).isEqualTo(1);
    assertThat(registry.counter("foresight.scorer.swaps").count()).isEqualTo(2);
  }

  @Test
  void windowsWaitWhileThereIsNoModelAndRecordsThatAreNotWindowsGoToTheDlq() throws Exception {
    send("a", 0, 1);
    windows.pipeInput("b", new byte[] {1, 2, 3});
    driver.advanceWallClockTime(Duration.ofMillis(20));
    assertThat(embeddings.isEmpty()).isTrue();
    TestRecord<String, byte[]> rejected = dlq.readRecord();
    assertThat(rejected.key()).isEqualTo("b");
    assertThat(rejected.value()).containsExactly(1, 2, 3);
    assertThat(DeadLetters.get(rejected.headers(), DeadLetters.REASON)).isEqualTo("malformed-window");
    assertThat(DeadLetters.get(rejected.headers(), DeadLetters.SERVICE)).isEqualTo("scorer");

    models.offer(checkpoint(1, 2));
    driver.advanceWallClockTime(Duration.ofMillis(20));
    assertThat(embeddings.readRecordsToList()).hasSize(1);
    assertThat(classifications.readRecordsToList()).hasSize(1);
  }

  @Test
  void aLeasedModelStaysOpenUntilItsBatchIsDoneEvenWhenSwappedOut() {
    models.offer(checkpoint(1, 2));
    ModelHolder.Lease lease = models.acquire();
    models.offer(checkpoint(2, 2));
    assertThat(lease.isClosed()).isFalse();
    assertThat(lease.net().manager().isOpen()).isTrue();
    lease.close();
    assertThat(lease.isClosed()).isTrue();
    try (ModelHolder.Lease current = models.acquire()) {
      assertThat(current.version()).isEqualTo(2);
    }
  }
}
