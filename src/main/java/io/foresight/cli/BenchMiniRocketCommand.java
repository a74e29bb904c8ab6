package io.foresight.cli;

import io.foresight.bench.MiniRocketBench;
import io.foresight.data.DatasetReaders;
import io.foresight.data.Gaps;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bench minirocket}: MiniRocket's transform speed against the encoder's embedding. */
@Command(name = "minirocket", mixinStandardHelpOptions = true,
    description = "MiniRocket fit+transform speed (series steps/s) against the encoder's embedding"
        + " forward on the same series, and on all cores against one.")
final class BenchMiniRocketCommand implements Callable<Integer> {

  @Parameters(arity = "1..*",
      description = "Dataset directories, each with <Name>_TRAIN.tsv and <Name>_TEST.tsv.")
  List<Path> directories;

  @Option(names = "--rounds", defaultValue = "3",
      description = "Timed rounds after one warm-up; medians are reported (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Override
  public Integer call() throws Exception {
    System.out.printf(Locale.ROOT, "%-24s %10s %10s %12s %10s %10s%n", "dataset", "steps",
        "rocket s", "steps/s", "x encoder", "x 1 core");
    double rocketTotal = 0;
    double encoderTotal = 0;
    long stepsTotal = 0;
    for (Path dir : directories) {
      String name = dir.getFileName().toString();
      MiniRocketBench.Result r =
          MiniRocketBench.run(
              DatasetReaders.read(dir.resolve(name + "_TRAIN.tsv"), Gaps.Policy.KEEP),
              DatasetReaders.read(dir.resolve(name + "_TEST.tsv"), Gaps.Policy.KEEP),
              rounds);
      System.out.printf(Locale.ROOT, "%-24s %10d %10.2f %12.0f %10.1f %10.2f%n", r.dataset(),
          r.steps(), r.rocketSeconds(), r.rocketStepsPerSecond(), r.speedupOverEncoder(),
          r.coreScaling());
      rocketTotal += r.rocketSeconds();
      encoderTotal += r.encoderSeconds();
      stepsTotal += r.steps();
    }
    System.out.printf(Locale.ROOT, "%-24s %10d %10.2f %12.0f %10.1f%n", "all", stepsTotal,
        rocketTotal, stepsTotal / rocketTotal, encoderTotal / rocketTotal);
    return 0;
  }
}
