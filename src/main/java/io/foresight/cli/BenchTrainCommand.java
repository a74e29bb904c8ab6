package io.foresight.cli;

import io.foresight.bench.TrainingThroughputBench;
import io.foresight.model.ModelConfig;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench train}: the real training loop's throughput as a ratio to a bare DJL loop
 * ({@link TrainingThroughputBench}).
 */
@Command(name = "train", mixinStandardHelpOptions = true,
    description = "Training windows/s of the real loop against a bare DJL loop, same model and data.")
final class BenchTrainCommand implements Callable<Integer> {

  @Option(names = "--window", defaultValue = "1024", description = "Steps per window (default: ${DEFAULT-VALUE}).")
  int window;

  @Option(names = "--batch", defaultValue = "32", description = "Windows per batch (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--channels", defaultValue = "64", description = "Encoder width (default: ${DEFAULT-VALUE}).")
  int channels;

  @Option(names = "--blocks", defaultValue = "8", description = "Encoder depth (default: ${DEFAULT-VALUE}).")
  int blocks;

  @Option(names = "--steps", defaultValue = "6", description = "Steps per timed round (default: ${DEFAULT-VALUE}).")
  int steps;

  @Option(names = "--rounds", defaultValue = "3", description = "Alternating rounds of each loop (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Override
  public Integer call() throws Exception {
    ModelConfig config = ModelConfig.defaults().withSize(channels, blocks);
    TrainingThroughputBench.Result r = TrainingThroughputBench.run(config, window, batch, steps, rounds, 0);
    System.out.printf(Locale.ROOT,
        "training throughput, window %d, batch %d, %d channels x %d blocks, CPU%n"
            + "  real loop  windows/s per round: %s%n"
            + "  bare loop  windows/s per round: %s%n"
            + "  ratio of medians (real / bare): %.3f%n",
        r.window(), r.batch(), channels, blocks, format(r.realRates()), format(r.bareRates()), r.ratio());
    return 0;
  }

  private static String format(double[] rates) {
    return Arrays.stream(rates)
        .mapToObj(v -> String.format(Locale.ROOT, "%.1f", v))
        .toList()
        .toString();
  }
}
