package io.foresight.cli;

import io.foresight.bench.EndToEndBench;
import io.foresight.wire.Json;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bench e2e}: the options of {@link EndToEndBench}, and its figures. The simulated fleet
 * produces at {@code --rate} (5,000 timesteps/s by default); the demo's own options shape the run.
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
  List<EndToEndBench.Pass> passes;

  @Mixin TorchOptions torch = new TorchOptions(1);

  @Option(names = "--verbose", description = "Print each pass's progress lines.")
  boolean verbose;

  @Override
  public Integer call() throws Exception {
    if (source.isReplay()) {
      throw new picocli.CommandLine.ParameterException(
          new picocli.CommandLine(this), "bench e2e streams the simulated fleet; --dataset is not taken");
    }
    BenchCommand.muteClientLogs();
    torch.apply();
    EndToEndBench.Result r =
        new EndToEndBench(
            state -> DemoCommand.config(source, windows, trainer, scorer, 0, duration, state),
            new EndToEndBench.Settings(passes, source.fleet().classNames(), warmUp, verbose), System.out)
            .run();
    System.out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(r.reports()));
    System.out.printf(
        Locale.ROOT, "end-to-end latency at %,.0f timesteps/s (targets: p99 <= 250 ms at 5,000/s; <= 100 ms at 10,000/s, serving):%n", source.rate);
    r.passes().forEach(p -> System.out.println(p.summary()));
    return 0;
  }
}
