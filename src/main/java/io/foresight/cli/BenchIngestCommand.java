package io.foresight.cli;

import io.foresight.bench.IngestBench;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bench ingest}: the options of {@link IngestBench}, and its figures. */
@Command(name = "ingest", mixinStandardHelpOptions = true,
    description = "Ingest Streams app timesteps/s against a plain consumer-to-producer passthrough.")
final class BenchIngestCommand implements Callable<Integer> {

  @Option(names = "--steps", defaultValue = "8000000", description = "Timesteps to produce (default: ${DEFAULT-VALUE}).")
  long steps;

  @Option(names = "--chunk", defaultValue = "8", description = "Steps per record (default: ${DEFAULT-VALUE}).")
  int chunk;

  @Option(names = "--rounds", defaultValue = "3",
      description = "Timed alternating rounds of each side; the ratio is of the medians (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(names = "--warm-up-rounds", defaultValue = "1",
      description = "Untimed rounds of each side first, so that the JIT compiler has compiled both paths"
          + " (default: ${DEFAULT-VALUE}).")
  int warmUpRounds;

  @Option(names = "--threads", defaultValue = "1",
      description = "Stream threads of the ingest app and of the Streams passthrough; the ingest service's"
          + " default is 1 (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(names = "--commit-interval-ms",
      description = "Commit interval of the ingest app and of the Streams passthrough (default: the"
          + " services' own, StreamsApps).")
  Integer commitIntervalMs;

  @Override
  public Integer call() throws Exception {
    BenchCommand.muteClientLogs();
    IngestBench.Result r =
        new IngestBench(
            new IngestBench.Settings(steps, chunk, warmUpRounds, rounds, threads, commitIntervalMs), System.out)
            .run();
    System.out.printf(Locale.ROOT, "ingest/passthrough = %.2f (ingest %,.0f steps/s, passthrough %,.0f steps/s)%n",
        r.ingestOverPassthrough(), r.ingest(), r.passthrough());
    System.out.printf(Locale.ROOT, "for scale: Streams passthrough (exactly-once, no processing)/passthrough = %.2f;"
            + " ingest/Streams passthrough = %.2f%n",
        r.streamsPassthroughOverPassthrough(), r.ingestOverStreamsPassthrough());
    return 0;
  }
}
