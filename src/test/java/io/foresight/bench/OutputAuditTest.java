package io.foresight.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.foresight.wire.Classification;
import io.foresight.wire.Embedding;
import io.foresight.wire.Json;
import io.foresight.wire.Topics;
import io.foresight.wire.Window;
import io.foresight.wire.WindowCodec;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** The fault suite's count finds what it must: lost, duplicated and wrong outputs, each kind apart. */
class OutputAuditTest {

  // 2 entities x 10 steps, windows of 4 every 2 steps: windows 0..3 per entity.
  private final FaultReplay replay = new FaultReplay(2, 10, 4, 2, 5, 1_000_000L);

  @Test
  void aCompleteExactlyOnceOutputCountsClean() {
    OutputAudit audit = new OutputAudit(replay);
    for (int e = 0; e < 2; e++) {
      for (int k = 0; k < 4; k++) {
        audit.take(window(e, k, 0));
        audit.take(embedding(e, k, 3));
        audit.take(classification(e, k, 3));
      }
    }
    FaultReport.Outputs o = audit.outputs(v -> v == 3);
    assertThat(o.expectedWindows()).isEqualTo(8);
    assertThat(o.windows()).isEqualTo(new FaultReport.Count(8, 8, 0, 0));
    assertThat(o.embeddings()).isEqualTo(new FaultReport.Count(8, 8, 0, 0));
    assertThat(o.classifications()).isEqualTo(new FaultReport.Classifications(8, 8, 0, 0, 0, 0));
    assertThat(o.windowsWrong()).isZero();
    assertThat(o.versionRegressions()).isZero();
  }

  @Test
  void lostDuplicatedAndWrongOutputsAreCountedApart() {
    OutputAudit audit = new OutputAudit(replay);
    for (int k = 0; k < 4; k++) {
      audit.take(window(0, k, 0));
    }
    audit.take(window(0, 1, 0)); // a duplicate
    audit.take(window(1, 0, 1)); // entity 1's first window with a wrong value; the rest never came
    // Embeddings: version 2 (a classifier), then version 1 (none) after it in the same partition.
    audit.take(embedding(0, 0, 2));
    audit.take(embedding(0, 1, 2));
    audit.take(embedding(0, 1, 2)); // a duplicate
    audit.take(embedding(0, 2, 1));
    audit.take(classification(0, 0, 2));
    audit.take(classification(0, 0, 2)); // a duplicate
    audit.take(classification(0, 2, 1)); // its version has no classifier
    // (0, 1) scored with a classifier but never classified.

    FaultReport.Outputs o = audit.outputs(v -> v == 2);
    assertThat(o.windows()).isEqualTo(new FaultReport.Count(5, 4, 4, 1));
    assertThat(o.windowsWrong()).isEqualTo(1);
    assertThat(o.embeddings()).isEqualTo(new FaultReport.Count(4, 3, 5, 1));
    assertThat(o.classifications())
        .isEqualTo(new FaultReport.Classifications(3, 2, 1, 1, 1, 1));
    assertThat(o.versionRegressions()).isEqualTo(1);
  }

  @Test
  void windowsEndAtTheReplaysTimes() {
    assertThat(replay.windowsPerEntity()).isEqualTo(4);
    assertThat(replay.windowEndingAt(replay.windowEnd(3))).isEqualTo(3);
    assertThat(replay.windowEndingAt(replay.windowEnd(3) + FaultReplay.INTERVAL_MS)).isEqualTo(-1);
    assertThat(replay.windowEndingAt(replay.windowEnd(4))).isEqualTo(-1);
    // A window is the replay's only with every value as replayed: one step off is a wrong window.
    assertThat(replay.matches(io.foresight.wire.WindowCodec.decode(window(0, 1, 0).value()))).isTrue();
    assertThat(replay.matches(io.foresight.wire.WindowCodec.decode(window(0, 1, 1).value()))).isFalse();
  }

  @Test
  void theScheduleKillsEveryProcessOnceInEachFour() {
    List<ServiceProcess.Role> schedule = FaultRun.schedule(8, 3);
    assertThat(schedule.subList(0, 4)).containsExactlyInAnyOrder(ServiceProcess.Role.values());
    assertThat(schedule.subList(4, 8)).containsExactlyInAnyOrder(ServiceProcess.Role.values());
  }

  private ConsumerRecord<String, byte[]> window(int entity, int k, int bump) {
    float[] values = new float[4];
    for (int i = 0; i < 4; i++) {
      values[i] = replay.value(entity, 2 * k + i) + (i == 0 ? bump : 0);
    }
    Window w = new Window(replay.entity(entity), replay.ts(2 * k), replay.ts(2 * k + 3), k, values);
    return new ConsumerRecord<>(Topics.WINDOWS, 0, 0, w.entity(), WindowCodec.encode(w));
  }

  private ConsumerRecord<String, byte[]> embedding(int entity, int k, long version) {
    Embedding e = new Embedding(replay.entity(entity), replay.windowEnd(k), new float[] {1}, 0.5, version);
    return new ConsumerRecord<>(Topics.EMBEDDINGS, 0, 0, e.entity(), Json.bytes(e));
  }

  private ConsumerRecord<String, byte[]> classification(int entity, int k, long version) {
    Classification c = new Classification(replay.entity(entity), replay.ts(2 * k), replay.windowEnd(k), "wave",
        Map.of("wave", 1.0), 0.5, version);
    return new ConsumerRecord<>(Topics.CLASSIFICATIONS, 0, 0, c.entity(), Json.bytes(c));
  }
}
