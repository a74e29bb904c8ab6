package io.foresight.cli;

import io.foresight.data.Dataset;
import io.foresight.data.DatasetReaders;
import io.foresight.data.Series;
import io.foresight.model.Tokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bench tokenizer}: how much real-valued data the uniform bins lose, per bin count. For each
 * file and bin count: the RMS quantisation error relative to each series' standard deviation, and the
 * share of steps that fell beyond the range and were clamped.
 */
@Command(name = "tokenizer", mixinStandardHelpOptions = true,
    description = "Quantisation error of real-mode tokenisation against the bin count.")
final class BenchTokenizerCommand implements Callable<Integer> {

  @Parameters(arity = "1..*", description = "Dataset files (use TRAIN splits).")
  List<Path> files;

  @Option(names = "--bins", defaultValue = "16,32,64,128,256", split = ",", description = "Bin counts (default: ${DEFAULT-VALUE}).")
  List<Integer> bins;

  @Option(names = "--limit", defaultValue = "5", description = "Bins span [-limit, limit] after scaling (default: ${DEFAULT-VALUE}).")
  double limit;

  @Override
  public Integer call() throws Exception {
    System.out.printf(Locale.ROOT, "%-28s", "file \\ bins: rel. RMSE");
    for (int b : bins) {
      System.out.printf(Locale.ROOT, "%9d", b);
    }
    System.out.printf(Locale.ROOT, "%10s%n", "clamped");
    double[] sums = new double[bins.size()];
    for (Path file : files) {
      Dataset dataset = DatasetReaders.read(file);
      System.out.printf(Locale.ROOT, "%-28s", dataset.name());
      double clampedShare = 0;
      for (int i = 0; i < bins.size(); i++) {
        Tokenizer tokenizer = Tokenizer.real(bins.get(i), limit);
        List<Double> errors = new ArrayList<>();
        long clamped = 0;
        long steps = 0;
        for (Series s : dataset.series()) {
          Tokenizer.Tokens tokens = tokenizer.encode(s.values(), Tokenizer.OutOfRange.CLAMP);
          double mean = 0;
          for (double v : s.values()) {
            mean += v / s.length();
          }
          double variance = 0;
          double squaredError = 0;
          for (int t = 0; t < s.length(); t++) {
            variance += (s.values()[t] - mean) * (s.values()[t] - mean) / s.length();
            double e = tokenizer.decode(tokens.ids()[t], tokens.scale()) - s.values()[t];
            squaredError += e * e / s.length();
          }
          if (variance > 0) {
            errors.add(Math.sqrt(squaredError / variance));
          }
          clamped += tokens.clamped();
          steps += s.length();
        }
        double meanError = errors.stream().mapToDouble(Double::doubleValue).average().orElse(0);
        sums[i] += meanError / files.size();
        clampedShare = clamped / (double) steps;
        System.out.printf(Locale.ROOT, "%9.4f", meanError);
      }
      System.out.printf(Locale.ROOT, "%9.2f%%%n", 100 * clampedShare);
    }
    System.out.printf(Locale.ROOT, "%-28s", "mean");
    for (double s : sums) {
      System.out.printf(Locale.ROOT, "%9.4f", s);
    }
    System.out.println();
    return 0;
  }
}
