package io.foresight.ingest;

import static io.foresight.ingest.IngestDriver.chunk;
import static io.foresight.ingest.IngestDriver.end;
import static io.foresight.ingest.IngestDriver.step;
import static io.foresight.ingest.IngestDriver.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import io.foresight.model.Tokenizer;
import io.foresight.wire.DeadLetters;
import io.foresight.wire.Topics;
import io.foresight.wire.Window;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class WindowingTopologyTest {

  private static final Tokenizer COUNTS = Tokenizer.integer(41);

  @TempDir Path stateDir;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private IngestDriver ingest;

  private IngestDriver open(WindowSpec spec, Tokenizer tokenizer) {
    ingest = new IngestDriver(spec, tokenizer, registry, stateDir);
    return ingest;
  }

  @AfterEach
  void close() {
    if (ingest != null) {
      ingest.close();
    }
  }

  private static float[] range(int from, int toExclusive) {
    float[] out = new float[toExclusive - from];
    for (int i = 0; i < out.length; i++) {
      out[i] = from + i;
    }
    return out;
  }

  private double counter(String name, String... tags) {
    return registry.get(name).tags(tags).counter().count();
  }

  // ---- sliding ------------------------------------------------------------------------------------

  @Test
  void singleStepsMakeWindowsOfTheLastLengthStepsEveryHop() {
    IngestDriver in = open(WindowSpec.sliding(4, 2), COUNTS);
    for (int i = 0; i < 10; i++) {
      in.send("pump-1", step(1000 + 10 * i, i), 50_000 + i);
    }
    List<TestRecord<String, Window>> out = in.windows.readRecordsToList();
    assertThat(out).extracting(TestRecord::key).containsOnly("pump-1");
    assertThat(out).extracting(TestRecord::value).containsExactly(
        new Window("pump-1", 1000, 1030, 0, range(0, 4)),
        new Window("pump-1", 1020, 1050, 1, range(2, 6)),
        new Window("pump-1", 1040, 1070, 2, range(4, 8)),
        new Window("pump-1", 1060, 1090, 3, range(6, 10)));
    // Each window carries the timestamp of the record that brought its last step.
    assertThat(out).extracting(TestRecord::timestamp).containsExactly(50_003L, 50_005L, 50_007L, 50_009L);
    assertThat(counter("foresight.ingest.windows", "mode", "sliding")).isEqualTo(4);
    assertThat(counter("foresight.ingest.timesteps")).isEqualTo(10);
    assertThat(registry.get("foresight.ingest.window.length").summary().totalAmount()).isEqualTo(16);
  }

  @Test
  void aHopLongerThanTheLengthSkipsTheStepsBetweenWindows() {
    IngestDriver in = open(WindowSpec.sliding(3, 5), COUNTS);
    in.send("e", chunk(0, 1, range(0, 14)), 7);
    assertThat(in.windows()).containsExactly(
        new Window("e", 0, 2, 0, range(0, 3)),
        new Window("e", 5, 7, 1, range(5, 8)),
        new Window("e", 10, 12, 2, range(10, 13)));
  }

  @Test
  void entitiesHaveTheirOwnBuffers() {
    IngestDriver in = open(WindowSpec.sliding(2, 1), COUNTS);
    in.send("a", step(1, 1), 1);
    in.send("b", step(1, 2), 1);
    in.send("a", step(2, 3), 2);
    in.send("b", step(2, 4), 2);
    assertThat(in.windows()).containsExactly(
        new Window("a", 1, 2, 0, new float[] {1, 3}),
        new Window("b", 1, 2, 0, new float[] {2, 4}));
  }

  @Test
  void aChunkCompletingSeveralWindowsEmitsEachWithTheChunksTimestamp() {
    IngestDriver in = open(WindowSpec.sliding(4, 2), COUNTS);
    in.send("e", chunk(100, 10, 0, 1, 2), 1);
    in.send("e", chunk(130, 10, 3, 4, 5, 6, 7), 2);
    List<TestRecord<String, Window>> out = in.windows.readRecordsToList();
    assertThat(out).extracting(TestRecord::value).containsExactly(
        new Window("e", 100, 130, 0, range(0, 4)),
        new Window("e", 120, 150, 1, range(2, 6)),
        new Window("e", 140, 170, 2, range(4, 8)));
    assertThat(out).extracting(TestRecord::timestamp).containsOnly(2L);
  }

  @Test
  void realValuedStepsAreKeptAsFloats() {
    IngestDriver in = open(WindowSpec.sliding(3, 3), Tokenizer.real(64, 5));
    in.send("e", chunk(0, 1, -1.5, 1e6, 0.25), 1);
    assertThat(in.windows()).containsExactly(new Window("e", 0, 2, 0, new float[] {-1.5f, 1e6f, 0.25f}));
  }

  // ---- sequence -----------------------------------------------------------------------------------

  @Test
  void aSequenceIsEmittedAtItsEndMarkerWithTheMarkersTimestamp() {
    IngestDriver in = open(WindowSpec.sequence(30_000, 100), COUNTS);
    in.send("e", step(1000, 1), 1);
    in.send("e", chunk(1010, 10, 2, 3), 2);
    assertThat(in.windows.isEmpty()).isTrue();
    in.send("e", end(1020), 3);
    List<TestRecord<String, Window>> out = in.windows.readRecordsToList();
    assertThat(out).extracting(TestRecord::value).containsExactly(new Window("e", 1000, 1020, 0, range(1, 4)));
    assertThat(out).extracting(TestRecord::timestamp).containsExactly(3L);
    assertThat(counter("foresight.ingest.windows", "mode", "sequence")).isEqualTo(1);
    assertThat(counter("foresight.ingest.sequences.closed", "cause", "end")).isEqualTo(1);

    in.send("e", step(2000, 7), 4);
    in.send("e", chunk(2010, 10, 8).replace("}", ",\"end\":true}"), 5);
    assertThat(in.windows()).containsExactly(new Window("e", 2000, 2010, 1, new float[] {7, 8}));
  }

  @Test
  void aSequenceReachingMaxLengthIsEmittedAndTheNextStepStartsANewOne() {
    IngestDriver in = open(WindowSpec.sequence(30_000, 5), COUNTS);
    in.send("e", chunk(0, 1, range(0, 12)), 9);
    assertThat(in.windows()).containsExactly(
        new Window("e", 0, 4, 0, range(0, 5)),
        new Window("e", 5, 9, 1, range(5, 10)));
    in.send("e", end(11), 10);
    assertThat(in.windows()).containsExactly(new Window("e", 10, 11, 2, range(10, 12)));
    assertThat(counter("foresight.ingest.sequences.closed", "cause", "max-length")).isEqualTo(2);
  }

  @Test
  void aSilentDeviceIsClosedOnceStreamTimePassesTheGapAndASilentPartitionByTheWallClock() {
    IngestDriver in = open(WindowSpec.sequence(10_000, 100), COUNTS);
    long t0 = IngestDriver.WALL_CLOCK_START.toEpochMilli(); // record timestamps follow the wall clock
    in.send("quiet", chunk(0, 10, 1, 2, 3), t0);
    in.advanceWallClock(Duration.ofSeconds(5));
    in.send("busy", step(0, 5), t0 + 5_000);
    in.advanceWallClock(Duration.ofSeconds(6)); // stream time only 5 s past quiet's last record
    assertThat(in.windows.isEmpty()).isTrue();
    in.send("busy", step(1, 6), t0 + 10_000); // stream time now 10 s past it
    in.advanceWallClock(Duration.ofSeconds(1));
    List<TestRecord<String, Window>> out = in.windows.readRecordsToList();
    assertThat(out).extracting(TestRecord::value).containsExactly(new Window("quiet", 0, 20, 0, range(1, 4)));
    assertThat(out).extracting(TestRecord::timestamp).containsExactly(t0);
    // Nothing more arrives: after the gap of wall clock with no record at all, busy is closed too.
    in.advanceWallClock(Duration.ofSeconds(8));
    assertThat(in.windows.isEmpty()).isTrue();
    in.advanceWallClock(Duration.ofSeconds(1));
    assertThat(in.windows()).containsExactly(new Window("busy", 0, 1, 0, new float[] {5, 6}));
    assertThat(counter("foresight.ingest.sequences.closed", "cause", "gap")).isEqualTo(2);

    // The end marker after the gap closes nothing: it is ignored and counted.
    in.send("quiet", end(20), t0 + 21_000);
    assertThat(in.windows.isEmpty()).isTrue();
    assertThat(counter("foresight.ingest.end.ignored", "reason", "empty")).isEqualTo(1);
  }

  @Test
  void aRecordTheGapYoungerThanItsEntitysLastClosesTheOpenSequence() {
    IngestDriver in = open(WindowSpec.sequence(10_000, 100), COUNTS);
    in.send("e", step(0, 1), 1_000);
    in.send("e", step(5, 2), 11_000); // steps 5 ms apart, records 10 s apart
    assertThat(in.windows()).containsExactly(new Window("e", 0, 0, 0, new float[] {1}));
  }

  @Test
  void anOutageLongerThanTheGapDoesNotCutTheSequencesItsBacklogContinues() {
    WindowSpec spec = WindowSpec.sequence(10_000, 100);
    IngestDriver first = open(spec, COUNTS);
    TestOutputTopic<String, byte[]> changelog = first.driver.createOutputTopic(
        "ingest-test-" + WindowingTopology.STORE + "-changelog", new StringDeserializer(), new ByteArrayDeserializer());
    long t0 = IngestDriver.WALL_CLOCK_START.toEpochMilli();
    first.send("e", chunk(0, 10, 1, 2), t0);
    List<KeyValue<String, byte[]>> log = changelog.readKeyValuesToList();
    first.close();

    // An hour later ingest restarts, its state restored; the producers' backlog is still to be read.
    ingest = new IngestDriver(spec, COUNTS, registry, stateDir.resolve("restarted"),
        IngestDriver.WALL_CLOCK_START.plus(Duration.ofHours(1)));
    KeyValueStore<String, byte[]> store = ((BufferStore) ingest.driver.getStateStore(WindowingTopology.STORE)).wrapped();
    log.forEach(kv -> store.put(kv.key, kv.value));
    ingest.advanceWallClock(Duration.ofSeconds(2)); // punctuations before the backlog arrives
    assertThat(ingest.windows.isEmpty()).isTrue();
    ingest.send("e", chunk(20, 10, 3, 4), t0 + 2_000); // the backlog, 2 s after the last record
    ingest.send("e", end(30), t0 + 2_010);
    assertThat(ingest.windows()).containsExactly(new Window("e", 0, 30, 0, new float[] {1, 2, 3, 4}));
  }

  @Test
  void anEntitySilentForTheTtlIsForgottenAndComesBackAfresh() {
    ingest = new IngestDriverWithTtl().open(WindowSpec.sliding(3, 3), Duration.ofHours(1));
    long t0 = IngestDriver.WALL_CLOCK_START.toEpochMilli();
    ingest.send("gone", chunk(0, 1, 1, 2, 3, 4), t0); // one window, one step of the next
    ingest.send("stays", step(0, 1), t0);
    assertThat(ingest.windows()).hasSize(1);
    KeyValueStore<String, byte[]> store = ((BufferStore) ingest.driver.getStateStore(WindowingTopology.STORE)).wrapped();
    ingest.advanceWallClock(Duration.ofMinutes(30));
    ingest.send("stays", step(1, 2), t0 + 3_600_000); // stream time an hour past "gone"
    ingest.advanceWallClock(Duration.ofMinutes(15)); // the next expiry check
    assertThat(store.get("gone")).isNull();
    assertThat(store.get("stays")).isNotNull();
    assertThat(counter("foresight.ingest.entities.expired")).isEqualTo(1);
    assertThat(counter("foresight.ingest.timesteps.dropped", "reason", "expired")).isEqualTo(1);
    ingest.send("gone", chunk(0, 1, 7, 8, 9), t0 + 3_700_000); // the same ts again: accepted afresh
    assertThat(ingest.windows()).containsExactly(new Window("gone", 0, 2, 0, new float[] {7, 8, 9}));
  }

  /** An ingest driver with an entity TTL, on this test's registry and state directory. */
  private final class IngestDriverWithTtl {
    IngestDriver open(WindowSpec spec, Duration ttl) {
      return new IngestDriver(spec, COUNTS, registry, stateDir, IngestDriver.WALL_CLOCK_START,
          new WindowingTopology.Limits(Topics.DEFAULT_MAX_REQUEST_BYTES, ttl));
    }
  }

  @Test
  void anEventTimeGapBetweenConsecutiveStepsStartsANewSequence() {
    IngestDriver in = open(WindowSpec.sequence(1_000, 100), COUNTS);
    in.send("e", chunk(0, 100, 1, 2), 1);
    in.send("e", step(1_101, 3), 2); // 1001 ms after the last step
    assertThat(in.windows()).containsExactly(new Window("e", 0, 100, 0, new float[] {1, 2}));
    in.send("e", end(1_101), 3);
    assertThat(in.windows()).containsExactly(new Window("e", 1_101, 1_101, 1, new float[] {3}));
  }

  @Test
  void endMarkersAreIgnoredAndCountedInSlidingMode() {
    IngestDriver in = open(WindowSpec.sliding(3, 1), COUNTS);
    in.send("e", chunk(0, 1, 1, 2), 1);
    in.send("e", end(1), 2);
    in.send("e", step(2, 3), 3);
    assertThat(in.windows()).containsExactly(new Window("e", 0, 2, 0, new float[] {1, 2, 3}));
    assertThat(counter("foresight.ingest.end.ignored", "reason", "sliding")).isEqualTo(1);
  }

  // ---- duplicates and late records ----------------------------------------------------------------

  @Test
  void aStepAtTheLastAcceptedTimeIsDroppedAndCounted() {
    IngestDriver in = open(WindowSpec.sliding(3, 1), COUNTS);
    in.send("e", step(100, 1), 1);
    in.send("e", step(100, 9), 2);
    in.send("e", step(110, 2), 3);
    in.send("e", step(110, 2), 4);
    in.send("e", step(120, 3), 5);
    assertThat(in.windows()).containsExactly(new Window("e", 100, 120, 0, new float[] {1, 2, 3}));
    assertThat(counter("foresight.ingest.timesteps.dropped", "reason", "duplicate")).isEqualTo(2);
    assertThat(counter("foresight.ingest.timesteps")).isEqualTo(3);
    assertThat(in.dlq.isEmpty()).isTrue();
  }

  @Test
  void aChunkOverlappingAcceptedTimeKeepsOnlyItsNewSteps() {
    IngestDriver in = open(WindowSpec.sliding(6, 6), COUNTS);
    in.send("e", chunk(100, 10, 0, 1, 2, 3), 1); // ts 100..130
    in.send("e", chunk(110, 10, 9, 9, 9, 4, 5), 2); // 110..130 overlap, 140 and 150 are new
    assertThat(in.windows()).containsExactly(new Window("e", 100, 150, 0, range(0, 6)));
    assertThat(counter("foresight.ingest.timesteps.dropped", "reason", "duplicate")).isEqualTo(3);
    // A replay of a chunk ending exactly at the last accepted step is all duplicates, not late.
    in.send("e", chunk(130, 10, 3, 4, 5), 3);
    assertThat(counter("foresight.ingest.timesteps.dropped", "reason", "duplicate")).isEqualTo(6);
    assertThat(in.dlq.isEmpty()).isTrue();
  }

  @Test
  void aLateRecordGoesToTheDlqWithItsOriginalBytesAndReason() {
    IngestDriver in = open(WindowSpec.sliding(3, 1), COUNTS);
    in.send("e", step(200, 1), 1);
    byte[] late = utf8(chunk(100, 10, 5, 6, 7)); // 100..120, all before 200
    RecordHeaders producerHeaders = new RecordHeaders();
    producerHeaders.add("trace", utf8("abc"));
    in.rawTimesteps.pipeInput(new TestRecord<>(utf8("e"), late, producerHeaders, 77L));
    TestRecord<byte[], byte[]> rejected = in.dlq.readRecord();
    assertThat(rejected.key()).isEqualTo(utf8("e"));
    assertThat(rejected.value()).isEqualTo(late);
    assertThat(rejected.timestamp()).isEqualTo(77L);
    assertThat(DeadLetters.get(rejected.headers(), DeadLetters.REASON)).isEqualTo("out-of-order");
    assertThat(DeadLetters.get(rejected.headers(), DeadLetters.SERVICE)).isEqualTo("ingest");
    assertThat(DeadLetters.get(rejected.headers(), DeadLetters.ERROR)).contains("older", "200");
    assertThat(DeadLetters.get(rejected.headers(), DeadLetters.SOURCE_TOPIC)).isEqualTo(Topics.TIMESTEPS);
    assertThat(DeadLetters.get(rejected.headers(), DeadLetters.SOURCE_PARTITION)).isEqualTo("0");
    assertThat(DeadLetters.get(rejected.headers(), DeadLetters.SOURCE_OFFSET)).isEqualTo("1");
    assertThat(DeadLetters.get(rejected.headers(), "trace")).isEqualTo("abc");
    assertThat(counter("foresight.dlq.records", "service", "ingest", "reason", "out-of-order")).isEqualTo(1);

    // A late end marker is rejected too; the stream then goes on.
    in.send("e", step(210, 2), 3);
    assertThat(in.dlq.isEmpty()).isTrue();
    in.send("e", step(220, 3), 4);
    assertThat(in.windows()).containsExactly(new Window("e", 200, 220, 0, new float[] {1, 2, 3}));
  }

  @Test
  void aLateEndMarkerDoesNotCutTheOpenSequence() {
    IngestDriver in = open(WindowSpec.sequence(30_000, 100), COUNTS);
    in.send("e", chunk(100, 10, 1, 2), 1);
    in.send("e", end(105), 2);
    assertThat(DeadLetters.get(in.dlq.readRecord().headers(), DeadLetters.REASON)).isEqualTo("out-of-order");
    in.send("e", end(110), 3);
    assertThat(in.windows()).containsExactly(new Window("e", 100, 110, 0, new float[] {1, 2}));
  }

  // ---- rejections ---------------------------------------------------------------------------------

  static Stream<Arguments> badRecords() {
    return Stream.of(
        Arguments.of("not json", "malformed-json"),
        Arguments.of("{\"ts\":1,\"value\":", "malformed-json"),
        Arguments.of("[1,2]", "malformed-json"),
        Arguments.of("{\"value\":3}", "malformed-json"),
        Arguments.of("{\"ts\":\"1\",\"value\":3}", "malformed-json"),
        Arguments.of("{\"ts\":1.5,\"value\":3}", "malformed-json"),
        Arguments.of("{\"ts\":1}", "malformed-json"),
        Arguments.of("{\"ts\":1,\"value\":\"3\"}", "malformed-json"),
        Arguments.of("{\"ts\":1,\"values\":3}", "malformed-json"),
        Arguments.of("{\"ts\":1,\"values\":[1,2]}", "malformed-json"),
        Arguments.of("{\"ts\":1,\"value\":1,\"values\":[2]}", "malformed-json"),
        Arguments.of("{\"ts\":1,\"value\":1} {}", "malformed-json"),
        Arguments.of("{\"ts\":1,\"end\":\"yes\"}", "malformed-json"),
        Arguments.of("{\"ts\":1,\"value\":NaN}", "non-finite"),
        Arguments.of("{\"ts\":1,\"value\":\"NaN\"}", "non-finite"),
        Arguments.of("{\"ts\":1,\"intervalMs\":1,\"values\":[1,-Infinity]}", "non-finite"),
        Arguments.of("{\"ts\":1,\"intervalMs\":1,\"values\":[1,\"Infinity\"]}", "non-finite"),
        Arguments.of("{\"ts\":1,\"value\":41}", "out-of-range"),
        Arguments.of("{\"ts\":1,\"value\":-1}", "out-of-range"),
        Arguments.of("{\"ts\":1,\"intervalMs\":1,\"values\":[1,2.5]}", "out-of-range"),
        Arguments.of("{\"ts\":1,\"intervalMs\":1,\"values\":[1,2,3,4,5]}", "oversized-chunk"));
  }

  @ParameterizedTest
  @MethodSource("badRecords")
  void aBadRecordGoesToTheDlqWithItsReasonAndTheNextGoodRecordIsProcessed(String json, String reason) {
    IngestDriver in = open(WindowSpec.sliding(2, 1).withMaxChunk(4), COUNTS);
    in.send("e", step(0, 1), 1);
    byte[] bytes = utf8(json);
    in.sendRaw(utf8("e"), bytes, 2);
    TestRecord<byte[], byte[]> rejected = in.dlq.readRecord();
    assertThat(rejected.key()).isEqualTo(utf8("e"));
    assertThat(rejected.value()).isEqualTo(bytes);
    assertThat(DeadLetters.get(rejected.headers(), DeadLetters.REASON)).isEqualTo(reason);
    assertThat(DeadLetters.get(rejected.headers(), DeadLetters.ERROR)).isNotBlank();
    assertThat(in.dlq.isEmpty()).isTrue();
    assertThat(counter("foresight.dlq.records", "service", "ingest", "reason", reason)).isEqualTo(1);
    assertThat(registry.get("foresight.dlq.records").counters().stream().mapToDouble(c -> c.count()).sum())
        .isEqualTo(1.0);

    in.send("e", step(1, 2), 3);
    assertThat(in.windows()).containsExactly(new Window("e", 0, 1, 0, new float[] {1, 2}));
    assertThat(counter("foresight.ingest.timesteps")).isEqualTo(2);
  }

  @Test
  void recordsWithoutAUsableKeyGoToTheDlqUnchanged() {
    IngestDriver in = open(WindowSpec.sliding(2, 1), COUNTS);
    byte[] value = utf8(step(0, 1));
    byte[] notUtf8 = {(byte) 0xff, (byte) 0xfe, 'x'};
    in.sendRaw(null, value, 1);
    in.sendRaw(new byte[0], value, 2);
    in.sendRaw(notUtf8, value, 3);
    List<TestRecord<byte[], byte[]>> rejected = in.dlq.readRecordsToList();
    assertThat(rejected).extracting(TestRecord::key).containsExactly(null, new byte[0], notUtf8);
    assertThat(rejected).extracting(TestRecord::value).containsOnly(value);
    assertThat(rejected).allSatisfy(r ->
        assertThat(DeadLetters.get(r.headers(), DeadLetters.REASON)).isEqualTo("missing-key"));
    assertThat(counter("foresight.dlq.records", "service", "ingest", "reason", "missing-key")).isEqualTo(3);
  }

  @Test
  void aKeyTooLongForItsWindowsToFitARequestGoesToTheDlqAndTheStreamGoesOn() {
    IngestDriver in = open(WindowSpec.sliding(2, 1), COUNTS);
    byte[] huge = new byte[600 * 1024]; // its window records would exceed the 1 MiB max.request.size
    java.util.Arrays.fill(huge, (byte) 'k');
    in.sendRaw(huge, utf8("{\"ts\":0,\"intervalMs\":1,\"values\":[1,2,3]}"), 1);
    byte[] longest = new byte[WindowSpec.MAX_KEY_BYTES];
    java.util.Arrays.fill(longest, (byte) 'k');
    in.sendRaw(longest, utf8("{\"ts\":0,\"intervalMs\":1,\"values\":[1,2]}"), 2);
    TestRecord<byte[], byte[]> rejected = in.dlq.readRecord();
    assertThat(rejected.key()).isEqualTo(huge);
    assertThat(DeadLetters.get(rejected.headers(), DeadLetters.REASON)).isEqualTo("oversized-key");
    assertThat(in.dlq.isEmpty()).isTrue();
    assertThat(in.windows()).hasSize(1); // the longest accepted key still windows
    assertThat(counter("foresight.dlq.records", "service", "ingest", "reason", "oversized-key")).isEqualTo(1);
  }

  @Test
  void windowLengthsBeyondWhatFitsARequestAreRefused() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> WindowSpec.sliding(WindowSpec.MAX_WINDOW_STEPS + 1, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("" + WindowSpec.MAX_WINDOW_STEPS);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> WindowSpec.sequence(1000, WindowSpec.MAX_WINDOW_STEPS + 1))
        .isInstanceOf(IllegalArgumentException.class);
    // The longest window with the longest key fits the producer's default 1 MiB request.
    byte[] encoded = io.foresight.wire.WindowCodec.encode(new Window(
        "k".repeat(WindowSpec.MAX_KEY_BYTES), 0, 1, 0, new float[WindowSpec.MAX_WINDOW_STEPS]));
    assertThat(encoded.length + WindowSpec.MAX_KEY_BYTES).isLessThan(1024 * 1024);
  }

  @Test
  void aNullValueIsMalformedAndKeepsItsKey() {
    IngestDriver in = open(WindowSpec.sliding(2, 1), COUNTS);
    in.sendRaw(utf8("e"), null, 1);
    TestRecord<byte[], byte[]> rejected = in.dlq.readRecord();
    assertThat(rejected.key()).isEqualTo(utf8("e"));
    assertThat(rejected.value()).isNull();
    assertThat(DeadLetters.get(rejected.headers(), DeadLetters.REASON)).isEqualTo("malformed-json");
  }

  @Test
  void theRealTokeniserTakesAnyFiniteValueButNotOneBeyondFloat() {
    IngestDriver in = open(WindowSpec.sliding(2, 1), Tokenizer.real(64, 5));
    in.send("e", step(0, 1e300), 1);
    in.send("e", step(0, 123.5), 2);
    in.send("e", step(1, -40), 3);
    assertThat(DeadLetters.get(in.dlq.readRecord().headers(), DeadLetters.REASON)).isEqualTo("out-of-range");
    assertThat(in.windows()).containsExactly(new Window("e", 0, 1, 0, new float[] {123.5f, -40}));
  }

  // ---- state --------------------------------------------------------------------------------------

  /**
   * A restart as Streams performs it on a new instance: the store is rebuilt from its changelog into an
   * empty state directory, and the processor goes on from the store alone. (TopologyTestDriver's
   * close() deletes its task directories, and in Kafka 4.3 the driver's RocksDB data sits in the
   * memtable until close, so reopening a driver on the same directory cannot show RocksDB persistence;
   * the changelog is also the path that survives losing the disk.)
   */
  @Test
  void theBufferSurvivesARestartFromItsChangelog(@TempDir Path freshStateDir) {
    WindowSpec spec = WindowSpec.sliding(4, 2);
    IngestDriver first = open(spec, COUNTS);
    TestOutputTopic<String, byte[]> changelog = first.driver.createOutputTopic(
        "ingest-test-" + WindowingTopology.STORE + "-changelog", new StringDeserializer(), new ByteArrayDeserializer());
    sendBeforeRestart(first);
    List<KeyValue<String, byte[]>> log = changelog.readKeyValuesToList();
    assertThat(log).isNotEmpty();
    assertThat(((BufferStore) first.driver.getStateStore(WindowingTopology.STORE)).lateWrites())
        .as("the state was flushed before each commit, not at it").isZero();
    first.close();

    ingest = new IngestDriver(spec, COUNTS, registry, freshStateDir);
    KeyValueStore<String, byte[]> store = ((BufferStore) ingest.driver.getStateStore(WindowingTopology.STORE)).wrapped();
    assertThat(store.get("e")).isNull();
    log.forEach(kv -> store.put(kv.key, kv.value));
    assertContinuesAfterRestart(ingest);
  }

  private static void sendBeforeRestart(IngestDriver in) {
    in.send("e", chunk(0, 10, 0, 1, 2), 1);
    in.send("e", step(20, 9), 2); // a duplicate, dropped: lastTs must survive too
    assertThat(in.windows.isEmpty()).isTrue();
  }

  private static void assertContinuesAfterRestart(IngestDriver in) {
    in.send("e", step(30, 3), 3);
    in.send("e", step(20, 9), 4); // late after the restart
    in.send("e", chunk(40, 10, 4, 5), 5);
    assertThat(in.windows()).containsExactly(
        new Window("e", 0, 30, 0, range(0, 4)),
        new Window("e", 20, 50, 1, range(2, 6)));
    assertThat(DeadLetters.get(in.dlq.readRecord().headers(), DeadLetters.REASON)).isEqualTo("out-of-order");
  }
}
