package io.foresight.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.foresight.wire.DeadLetters;
import io.foresight.wire.Json;
import io.foresight.wire.Topics;
import io.foresight.wire.Window;
import io.foresight.wire.WindowCodec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongPredicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Counts what the system published against what a {@link FaultReplay} must produce, record by record
 * as a read_committed consumer hands them over: windows per (entity, sequence), embeddings and
 * classifications per (entity, window end), each window's content, and the model version of every
 * embedding in partition order.
 */
final class OutputAudit {

  private final FaultReplay replay;
  private final int[][] windows;
  private final int[][] embeddings;
  private final long[][] embeddedWith;
  private final int[][] classifications;
  private final long[][] classifiedWith;
  private long windowRecords;
  private long windowsWrong;
  private long embeddingRecords;
  private long embeddingsUnexpected;
  private long classificationRecords;
  private long classificationsUnknown;
  private long dlq;
  private final Map<String, Long> dlqByReason = new TreeMap<>();
  /** Per embeddings partition, the model versions in offset order as runs of {version, count}. */
  private final Map<Integer, List<long[]>> versionRuns = new HashMap<>();

  OutputAudit(FaultReplay replay) {
    this.replay = replay;
    int n = replay.entities();
    int w = replay.windowsPerEntity();
    windows = new int[n][w];
    embeddings = new int[n][w];
    embeddedWith = new long[n][w];
    classifications = new int[n][w];
    classifiedWith = new long[n][w];
  }

  void take(ConsumerRecord<String, byte[]> record) {
    switch (record.topic()) {
      case Topics.WINDOWS -> window(record.value());
      case Topics.EMBEDDINGS -> embedding(record.partition(), record.value());
      case Topics.CLASSIFICATIONS -> classification(record.value());
      case Topics.DLQ -> {
        dlq++;
        String reason = DeadLetters.get(record.headers(), DeadLetters.REASON);
        dlqByReason.merge(reason == null ? "unknown" : reason, 1L, Long::sum);
      }
      default -> {}
    }
  }

  private void window(byte[] bytes) {
    windowRecords++;
    Window w;
    try {
      w = WindowCodec.decode(bytes);
    } catch (RuntimeException e) {
      windowsWrong++;
      return;
    }
    if (!replay.matches(w)) {
      windowsWrong++;
      return;
    }
    windows[replay.index(w.entity())][(int) w.sequence()]++;
  }

  private void embedding(int partition, byte[] bytes) {
    embeddingRecords++;
    JsonNode e = parse(bytes);
    int entity = e == null ? -1 : replay.index(e.path("entity").asText());
    int k = entity < 0 ? -1 : replay.windowEndingAt(e.path("windowEnd").asLong(-1));
    if (k < 0) {
      embeddingsUnexpected++;
      return;
    }
    long version = e.path("modelVersion").asLong();
    if (embeddings[entity][k]++ == 0) {
      embeddedWith[entity][k] = version;
    }
    List<long[]> runs = versionRuns.computeIfAbsent(partition, p -> new ArrayList<>());
    if (runs.isEmpty() || runs.get(runs.size() - 1)[0] != version) {
      runs.add(new long[] {version, 0});
    }
    runs.get(runs.size() - 1)[1]++;
  }

  private void classification(byte[] bytes) {
    classificationRecords++;
    JsonNode c = parse(bytes);
    int entity = c == null ? -1 : replay.index(c.path("entity").asText());
    int k = entity < 0 ? -1 : replay.windowEndingAt(c.path("windowEnd").asLong(-1));
    if (k < 0) {
      classificationsUnknown++;
      return;
    }
    if (classifications[entity][k]++ == 0) {
      classifiedWith[entity][k] = c.path("modelVersion").asLong();
    }
  }

  private static JsonNode parse(byte[] bytes) {
    try {
      return Json.MAPPER.readTree(bytes);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** Distinct windows seen so far. */
  long distinctWindows() {
    return distinct(windows);
  }

  /** Distinct windows embedded so far. */
  long distinctEmbeddings() {
    return distinct(embeddings);
  }

  long records() {
    return windowRecords + embeddingRecords + classificationRecords + dlq;
  }

  /**
   * The counts, once everything has been taken.
   *
   * @param hasClassifier whether a model version carries a fitted classifier
   */
  FaultReport.Outputs outputs(LongPredicate hasClassifier) {
    long expected = 0;
    long lost = 0;
    long unexpected = classificationsUnknown;
    for (int e = 0; e < embeddings.length; e++) {
      for (int k = 0; k < embeddings[e].length; k++) {
        boolean classifiable = embeddings[e][k] > 0 && hasClassifier.test(embeddedWith[e][k]);
        if (classifiable) {
          expected++;
        }
        if (classifications[e][k] == 0) {
          lost += classifiable ? 1 : 0;
        } else if (!classifiable || classifiedWith[e][k] != embeddedWith[e][k]) {
          unexpected++;
        }
      }
    }
    long regressions = 0;
    long plainAfterClassifier = 0;
    for (List<long[]> runs : versionRuns.values()) {
      long highest = Long.MIN_VALUE;
      boolean classified = false;
      for (long[] run : runs) {
        if (run[0] < highest) {
          regressions += run[1];
        }
        highest = Math.max(highest, run[0]);
        boolean withClassifier = hasClassifier.test(run[0]);
        if (classified && !withClassifier) {
          plainAfterClassifier += run[1];
        }
        classified |= withClassifier;
      }
    }
    return new FaultReport.Outputs(
        replay.expectedWindows(),
        count(windows, windowRecords - windowsWrong),
        windowsWrong,
        count(embeddings, embeddingRecords - embeddingsUnexpected),
        embeddingsUnexpected,
        new FaultReport.Classifications(
            classificationRecords, expected, lost,
            classificationRecords - classificationsUnknown - distinct(classifications), unexpected,
            plainAfterClassifier),
        regressions,
        dlq,
        Map.copyOf(dlqByReason));
  }

  private static FaultReport.Count count(int[][] seen, long records) {
    long distinct = distinct(seen);
    long lost = 0;
    for (int[] entity : seen) {
      for (int c : entity) {
        lost += c == 0 ? 1 : 0;
      }
    }
    return new FaultReport.Count(records, distinct, lost, records - distinct);
  }

  private static long distinct(int[][] seen) {
    long n = 0;
    for (int[] entity : seen) {
      for (int c : entity) {
        n += c > 0 ? 1 : 0;
      }
    }
    return n;
  }
}
