package io.foresight.cli;

import io.foresight.learn.Inference;
import io.foresight.learn.Objective;
import io.foresight.learn.Pretrainer;
import io.foresight.learn.TrainingOptions;
import io.foresight.model.ForesightNet;
import io.foresight.model.ModelConfig;
import io.foresight.model.Tokenizer;
import io.foresight.model.Tokenizer.Tokens;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** One case of {@code bench memory}, run in its own JVM; prints "memory-case BASE_MIB PEAK_MIB". */
@Command(name = "memory-case", hidden = true)
final class BenchMemoryCaseCommand implements Callable<Integer> {

  @Option(names = "--mode", required = true) String mode;
  @Option(names = "--length", required = true) int length;

  @Override
  public Integer call() throws Exception {
    Tokenizer tokenizer = Tokenizer.integer(Tokenizer.DEFAULT_INTEGER_VOCABULARY);
    Random random = new Random(0);
    List<Tokens> series = new ArrayList<>();
    int count = mode.equals("train") ? 32 : 1;
    for (int i = 0; i < count; i++) {
      double[] values = new double[length];
      for (int t = 0; t < length; t++) {
        values[t] = random.nextInt(41);
      }
      series.add(tokenizer.encode(values, Tokenizer.OutOfRange.ERROR));
    }
    try (ForesightNet net = ForesightNet.create(ModelConfig.defaults(), tokenizer)) {
      long base = peakMib();
      switch (mode) {
        case "train" -> Pretrainer.pretrain(net, series, Objective.NEXT_STEP,
            TrainingOptions.defaults().withBatch(32, 1024).withBudget(1e9, 3), Pretrainer.StepListener.NONE);
        case "train-whole" -> Pretrainer.pretrain(net, series, Objective.NEXT_STEP,
            TrainingOptions.defaults().withBatch(1, length).withBudget(1e9, 3), Pretrainer.StepListener.NONE);
        case "embed" -> Inference.run(net, series, 1, length);
        default -> throw new IllegalArgumentException("unknown mode " + mode);
      }
      System.out.println("memory-case " + base + " " + peakMib());
    }
    return 0;
  }

  /** VmHWM: the process's peak resident set, native memory included, in MiB. */
  static long peakMib() throws java.io.IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmHWM:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
      }
    }
    return -1;
  }
}
