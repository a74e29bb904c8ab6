package io.foresight.cli;

import io.foresight.bench.ScorerBench;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bench scorer}: the options of {@link ScorerBench}, and its figures. */
@Command(name = "scorer", mixinStandardHelpOptions = true,
    description = "Scorer Streams app windows/s against a bare batched DJL forward of the same windows.")
final class BenchScorerCommand implements Callable<Integer> {

  @Option(names = "--windows", defaultValue = "2000", description = "Windows to score (default: ${DEFAULT-VALUE}).")
  int windows;

  @Option(names = "--length", defaultValue = "512", description = "Steps per window (default: ${DEFAULT-VALUE}).")
  int length;

  @Option(names = "--batch", defaultValue = "64", description = "Windows per forward pass (default: ${DEFAULT-VALUE}).")
  int batch;

  @Mixin TorchOptions torch = new TorchOptions(1);

  @Option(names = "--rounds", defaultValue = "3",
      description = "Alternating rounds of each side; the ratio is of the medians (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Override
  public Integer call() throws Exception {
    BenchCommand.muteClientLogs();
    // Set once, for both sides.
    torch.apply();
    ScorerBench.Result r =
        new ScorerBench(new ScorerBench.Settings(windows, length, batch, rounds), System.out).run();
    System.out.printf(Locale.ROOT, "scorer/bare = %.2f (medians of %d rounds: scorer %,.1f windows/s, bare %,.1f"
            + " windows/s; %d windows of %d, batch %d, %d torch threads)%n",
        r.scorerOverBare(), rounds, r.scorer(), r.bare(), windows, length, batch, torch.threads);
    return 0;
  }
}
