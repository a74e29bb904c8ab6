package io.foresight.bench;

import java.util.List;
import java.util.Map;

/**
 * What a {@link FaultRun} found; {@link #failures()} is empty when nothing was lost, duplicated or
 * wrong. Serialisable to JSON as it is.
 *
 * @param settings the run's settings
 * @param runDirectory where the processes' logs, the broker's data and the services' state are
 * @param seconds the whole run, start-up and settling included
 * @param stepsProduced timesteps sent (each once, unless {@code resentRounds} says otherwise)
 * @param resentRounds rounds of chunks sent again after a send failed (ingest drops what it had)
 * @param kills every planned kill, in order
 * @param restores restore times of the planned kills, per process
 * @param unplanned processes that exited without being killed, or were not ready in time, and were
 *     restarted for it
 * @param settled whether the outputs reached the expected counts and stayed there before the timeout
 * @param outputs the read_committed count of what the system published
 * @param models the checkpoints on foresight.models
 * @param trainerStarts every trainer start after the first: what it resumed from
 * @param failures what went wrong, one sentence each; empty for a passed run
 */
public record FaultReport(
    FaultRun.Settings settings,
    String runDirectory,
    double seconds,
    long stepsProduced,
    long resentRounds,
    List<Kill> kills,
    Map<ServiceProcess.Role, Restores> restores,
    List<String> unplanned,
    boolean settled,
    Outputs outputs,
    Models models,
    List<TrainerStart> trainerStarts,
    List<String> failures) {

  public boolean passed() {
    return failures.isEmpty();
  }

  /**
   * One planned kill.
   *
   * @param atStep timesteps produced when it happened
   * @param exitValue the killed process's exit value: 137 for SIGKILL
   * @param restoreSeconds from the restart to the first 200 of /health/ready (for the broker: to its
   *     first answer to a client); null when it was not ready in time
   */
  public record Kill(int index, ServiceProcess.Role role, int incarnation, long atStep, int exitValue,
      Double restoreSeconds) {}

  /** Restore times of one process's restarts, in seconds (null without any). */
  public record Restores(int kills, Double medianSeconds, Double maxSeconds) {}

  /**
   * Records per key: {@code lost} expected keys never seen, {@code duplicated} records beyond the
   * first of a key.
   */
  public record Count(long records, long distinct, long lost, long duplicated) {}

  /**
   * Classifications. The scorer classifies a window exactly when the model it scored the window with
   * has a fitted classifier, and writes classification and embedding in one transaction; so what is
   * exactly checkable is: one classification for every embedding whose model version carries a
   * classifier, with that version, and none for any other window.
   *
   * @param expected embeddings whose model version carries a classifier
   * @param lost expected ones without a classification
   * @param duplicated classifications beyond the first of a window
   * @param unexpected classifications of a window that has no embedding, an embedding of another
   *     version, or of a version without a classifier
   * @param withoutClassifierAfterFirst windows scored, in a partition that had already been scored with
   *     a classifier, by a version without one (not a loss: the scorer served an older or plainer model)
   */
  public record Classifications(long records, long expected, long lost, long duplicated, long unexpected,
      long withoutClassifierAfterFirst) {}

  /**
   * @param expectedWindows windows the replay must produce, each exactly once
   * @param windowsWrong window records whose key, times or values are not the replay's
   * @param embeddingsUnexpected embeddings whose end time is no window's
   * @param versionRegressions embeddings scored with an older model version than an earlier embedding
   *     of the same partition (a scorer that came back serving an older model)
   */
  public record Outputs(long expectedWindows, Count windows, long windowsWrong, Count embeddings,
      long embeddingsUnexpected, Classifications classifications, long versionRegressions, long dlq,
      Map<String, Long> dlqByReason) {}

  /**
   * @param versions model versions in offset order
   * @param rising whether every version is above the one before it
   * @param firstWithClassifier the first version carrying a fitted classifier, or null
   * @param unreadable records under the run's model name that did not decode
   */
  public record Models(List<Long> versions, boolean rising, Long firstWithClassifier, long withClassifier,
      long unreadable) {}

  /**
   * @param resumedVersion the version its log says it resumed, or null when it started a fresh model
   * @param publishedBefore the highest version earlier trainers logged as published
   */
  public record TrainerStart(int incarnation, Long resumedVersion, long publishedBefore) {}
}
