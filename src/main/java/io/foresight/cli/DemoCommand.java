package io.foresight.cli;

import io.foresight.data.DatasetReplay;
import io.foresight.data.Series;
import io.foresight.data.SimulatedFleet;
import io.foresight.data.TimestepSource;
import io.foresight.demo.Demo;
import io.foresight.demo.DemoReport;
import io.foresight.ingest.WindowSpec;
import io.foresight.learn.Evaluation;
import io.foresight.model.Tokenizer;
import io.foresight.wire.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code demo}: the whole system in one JVM on an in-process Kafka broker. */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Run a Kafka broker, producer, ingest, trainer and scorer in this JVM; print progress;"
        + " stop after --duration or Ctrl-C; write a JSON report.")
final class DemoCommand implements Callable<Integer> {

  @Mixin SourceOptions source;
  @Mixin WindowOptions windows;
  @Mixin TrainerOptions trainer;
  @Mixin ScorerOptions scorer;
  @Mixin MetricsOptions metrics;

  @Option(names = "--duration", defaultValue = "120s",
      description = "How long to produce (e.g. 180s, 5m); outputs drain after it (default: ${DEFAULT-VALUE}).")
  Duration duration;

  @Option(names = "--report", description = "Write the JSON report here.")
  Path report;

  @Option(names = "--state-dir", description = "Broker and Streams state (default: a fresh temporary folder).")
  Path stateDir;

  /** One thread: trainer and scorer share the host. */
  @Mixin TorchOptions torch = new TorchOptions(1);

  @Override
  public Integer call() throws Exception {
    torch.apply();
    Path state = stateDir != null ? stateDir : Files.createTempDirectory("foresight-demo");
    Demo demo = new Demo(config(source, windows, trainer, scorer, metrics.port(), duration, state), System.out);
    // Ctrl-C stops producing; the hook then waits for the drain and the report before the JVM exits.
    java.util.concurrent.CountDownLatch reported = new java.util.concurrent.CountDownLatch(1);
    Thread hook = new Thread(() -> {
      demo.requestStop();
      try {
        reported.await(120, java.util.concurrent.TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      DemoReport result = demo.run();
      if (source.isReplay()) {
        // The offline answer for the same TRAIN labels, so the live figure can be read against it.
        DatasetReplay replay = source.replay();
        result =
            result.withOffline(
                new DemoReport.Offline("minirocket", Evaluation.minirocketAccuracy(replay.train(), replay.test())));
        System.out.printf(
            java.util.Locale.ROOT, "held-out accuracy live %s; offline (evaluate's minirocket, same TRAIN labels) %.3f%n",
            result.accuracy() == null ? "-" : String.format(java.util.Locale.ROOT, "%.3f", result.accuracy()),
            result.offline().accuracy());
      }
      String json = Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(result);
      System.out.println(json);
      if (report != null) {
        Files.writeString(report, json);
        System.out.println("report written to " + report);
      }
    } finally {
      reported.countDown();
    }
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // already shutting down
    }
    return 0;
  }

  /** The demo's configuration from its options: a dataset replay when one is given, else the fleet. */
  static Demo.Config config(
      SourceOptions source, WindowOptions windows, TrainerOptions trainer, ScorerOptions scorer,
      int metricsPort, Duration duration, Path state) throws Exception {
    TimestepSource steps;
    Map<String, String> heldOut;
    Function<String, String> seriesOf;
    Tokenizer tokenizer;
    WindowSpec spec;
    String name;
    if (source.isReplay()) {
      DatasetReplay replay = source.replay();
      steps = replay;
      heldOut = replay.heldOutLabels();
      seriesOf = entity -> entity.replaceFirst("-r\\d+$", "");
      tokenizer = Tokenizer.detect(replay.train().values());
      int longest = replay.train().series().stream().mapToInt(Series::length).max().orElse(2);
      // Each series is one sequence closed by its end marker; the gap only guards a stalled producer.
      spec = windows.spec(WindowOptions.Mode.sequence);
      if (windows.mode == null) {
        spec = WindowSpec.sequence(windows.gapMs, Math.max(longest, 2)).withMaxChunk(windows.maxChunk);
      }
      name = "dataset " + source.dataset.getFileName();
    } else {
      SimulatedFleet fleet = source.fleet();
      spec = windows.spec(WindowOptions.Mode.sliding);
      steps = source.fleetSource(spec.hop());
      Map<String, String> unlabelled = new HashMap<>();
      for (String device : fleet.devices()) {
        if (!fleet.labelled(device, source.labelFraction)) {
          unlabelled.put(device, fleet.classOf(device));
        }
      }
      heldOut = unlabelled;
      seriesOf = Function.identity();
      tokenizer = trainer.integerTokenizer();
      name = "simulated fleet of " + source.devices + " devices";
    }
    return new Demo.Config(
        name, steps, heldOut, seriesOf, tokenizer, spec, trainer.options(tokenizer), scorer.options(),
        source.producerOptions(null), duration, Duration.ofSeconds(5), Duration.ofSeconds(60), metricsPort, state);
  }
}
