package io.foresight.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench memory}: peak resident memory of training and embedding at several sequence lengths.
 * Each case runs in a fresh JVM (peak RSS only ever rises within a process) and reports its peak and
 * its baseline after the model is built.
 */
@Command(name = "memory", mixinStandardHelpOptions = true,
    description = "Peak memory of training (cropped and whole) and embedding at lengths 512, 4096, 30720.")
final class BenchMemoryCommand implements Callable<Integer> {

  @Option(names = "--lengths", defaultValue = "512,4096,30720", split = ",",
      description = "Sequence lengths (default: ${DEFAULT-VALUE}).")
  List<Integer> lengths;

  @Option(names = "--modes", defaultValue = "train,train-whole,embed", split = ",",
      description = "train: batch of 32 with random crops of 1024 (what pretraining does);"
          + " train-whole: one uncropped series per batch; embed: one whole series, no gradients.")
  List<String> modes;

  @Override
  public Integer call() throws Exception {
    System.out.println("peak resident memory (MiB), fresh JVM per case, model 64 channels x 6 blocks, CPU");
    System.out.printf(Locale.ROOT, "%-12s %8s %12s %12s %12s%n", "mode", "length", "baseline", "peak", "peak-base");
    for (String mode : modes) {
      for (int length : lengths) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx2g");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Main.class.getName());
        command.addAll(List.of("bench", "memory-case", "--mode", mode, "--length", String.valueOf(length)));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String result = null;
        try (BufferedReader out =
            new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
          for (String line = out.readLine(); line != null; line = out.readLine()) {
            if (line.startsWith("memory-case ")) {
              result = line;
            }
          }
        }
        int exit = process.waitFor();
        if (result == null || exit != 0) {
          System.out.printf(Locale.ROOT, "%-12s %8d failed (exit %d)%n", mode, length, exit);
          continue;
        }
        String[] f = result.split(" ");
        long base = Long.parseLong(f[1]);
        long peak = Long.parseLong(f[2]);
        System.out.printf(Locale.ROOT, "%-12s %8d %12d %12d %12d%n", mode, length, base, peak, peak - base);
      }
    }
    return 0;
  }
}
