package io.foresight.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code bench}: the one-command benchmarks whose figures README reports. */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Benchmarks; each reports ratios measured in one run.",
    subcommands = {
      BenchTrainCommand.class,
      BenchMemoryCommand.class,
      BenchMemoryCaseCommand.class,
      BenchTokenizerCommand.class,
      BenchMiniRocketCommand.class,
      BenchIngestCommand.class,
      BenchScorerCommand.class,
      BenchE2eCommand.class,
      BenchFaultsCommand.class,
      BenchScaleCommand.class
    })
final class BenchCommand implements Runnable {
  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }
}
