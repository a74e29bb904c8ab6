package io.foresight.cli;

import io.foresight.score.ScoringTopology;
import picocli.CommandLine.Option;

/** The scorer's flags, shared by {@code scorer} and {@code demo}. */
final class ScorerOptions {

  @Option(names = "--scorer-batch", defaultValue = "64",
      description = "Windows per forward pass at most (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--scorer-max-wait-ms", defaultValue = "5",
      description = "Longest a window waits for its batch to fill while windows keep arriving; a partial"
          + " batch is scored as soon as its stream thread's input pauses (default: ${DEFAULT-VALUE}).")
  long maxWaitMs;

  @Option(names = "--scorer-threads", defaultValue = "1",
      description = "Kafka Streams threads of the scorer (default: ${DEFAULT-VALUE}).")
  int threads;

  ScoringTopology.Options options() {
    return new ScoringTopology.Options(batchSize, maxWaitMs);
  }
}
