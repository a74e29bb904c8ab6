package io.foresight.cli;

import io.foresight.demo.Demo;
import io.foresight.demo.DemoReport;
import io.foresight.model.ForesightNet;
import io.foresight.wire.Checkpoint;
import io.foresight.wire.Json;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bench e2e}: end-to-end latency, from the record timestamp of the timestep that completes a
 * window to the arrival of its classification at a read_committed consumer, while the simulated fleet
 * produces at {@code --rate} (5,000 timesteps/s by default) through broker, ingest and scorer in one JVM.
 *
 * <p>A fresh model with the fleet's classes is published before the stream starts, so every window is
 * classified from the first; latencies of the first {@code --warm-up} are forgotten (group joins, and
 * the JIT compiler: on 2 cores its queue of the broker's, clients' and Streams' methods was still full
 * 75 s into a run, and its compile bursts made the p99).
 * Two passes, each on its own fresh broker: {@code serving} (ingest and scorer, the seed model alone:
 * the path whose latency users see when the trainer runs elsewhere, on a GPU) and {@code trainer} (the
 * live trainer too, in the same JVM on the same cores, publishing versions the scorer swaps in).
 */
@Command(name = "e2e", mixinStandardHelpOptions = true,
    description = "End-to-end latency p50/p99 (completing timestep to classification) at --rate timesteps/s:"
        + " serving path alone, then with the live trainer in the same JVM.")
final class BenchE2eCommand implements Callable<Integer> {

  @Mixin SourceOptions source;
  @Mixin WindowOptions windows;
  @Mixin TrainerOptions trainer;
  @Mixin ScorerOptions scorer;

  @Option(names = "--duration", defaultValue = "150s",
      description = "Producing time of each pass, warm-up included (default: ${DEFAULT-VALUE}).")
  Duration duration;

  @Option(names = "--warm-up", defaultValue = "60s",
      description = "Latencies of this first part of each pass are not counted (default: ${DEFAULT-VALUE}).")
  Duration warmUp;

  @Option(names = "--passes", split = ",", defaultValue = "serving,trainer",
      description = "Which passes to run: serving, trainer (default: ${DEFAULT-VALUE}).")
  List<String> passes;

  @Option(names = "--torch-threads", defaultValue = "1",
      description = "PyTorch intra-op threads (default: ${DEFAULT-VALUE}).")
  int torchThreads;

  @Option(names = "--verbose", description = "Print each pass's progress lines.")
  boolean verbose;

  @Override
  public Integer call() throws Exception {
    if (source.isReplay()) {
      throw new picocli.CommandLine.ParameterException(
          new picocli.CommandLine(this), "bench e2e streams the simulated fleet; --dataset is not taken");
    }
    BenchIngestCommand.muteClientLogs();
    Services.torchThreads(torchThreads);
    List<String> classes = source.fleet().classNames();
    Map<String, Object> results = new LinkedHashMap<>();
    List<String> lines = new ArrayList<>();
    for (String pass : passes) {
      boolean withTrainer = switch (pass) {
        case "serving" -> false;
        case "trainer" -> true;
        default -> throw new picocli.CommandLine.ParameterException(
            new picocli.CommandLine(this), "unknown pass '" + pass + "' (serving, trainer)");
      };
      Path state = Files.createTempDirectory("foresight-bench-e2e");
      try {
        Demo.Config base = DemoCommand.config(source, windows, trainer, scorer, 0, duration, state);
        Checkpoint seed;
        try (ForesightNet net =
            ForesightNet.create(base.trainer().config().withClasses(classes.size()), base.tokenizer())) {
          seed = Checkpoint.of(net, 1, classes, Map.of());
        }
        PrintStream progress = verbose ? System.out : new PrintStream(OutputStream.nullOutputStream());
        DemoReport report = new Demo(base.withSeed(seed, withTrainer, warmUp), progress).run();
        results.put(pass, report);
        lines.add(String.format(Locale.ROOT,
            "%-8s p50 %4.0f ms  p99 %5.0f ms  (windows visible: p50 %4.0f ms, p99 %5.0f ms;"
                + " %,d timesteps at %,.0f/s, %,d windows, %,d classified, %d lost, %d duplicates,"
                + " model versions served %s)",
            pass, report.latencyMs().p50(), report.latencyMs().p99(), report.windowLatencyMs().p50(),
            report.windowLatencyMs().p99(), report.timestepsProduced(),
            report.timestepsProduced() / (double) duration.toSeconds(), report.windowsEmitted(),
            report.classificationsPublished(), report.lostWindows(), report.duplicateOutputs(),
            report.modelVersionsServed()));
        System.out.println(lines.get(lines.size() - 1));
      } finally {
        BenchIngestCommand.deleteRecursively(state);
      }
    }
    System.out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(results));
    System.out.printf(Locale.ROOT, "end-to-end latency at %,.0f timesteps/s (target p99 <= 250 ms):%n", source.rate);
    lines.forEach(System.out::println);
    return 0;
  }
}
