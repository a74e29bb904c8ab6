package io.foresight.bench;

import io.foresight.demo.Demo;
import io.foresight.demo.DemoReport;
import io.foresight.model.ForesightNet;
import io.foresight.wire.Checkpoint;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * End-to-end latency, from the record timestamp of the timestep that completes a window to the arrival
 * of its classification at a read_committed consumer, while a {@link Demo} produces through broker,
 * ingest and scorer in one JVM ({@code bench e2e}).
 *
 * <p>A fresh model with the source's classes is published before the stream starts, so every window is
 * classified from the first; latencies of the first {@code warmUp} are forgotten (group joins, and the
 * JIT compiler: on 2 cores its queue of the broker's, clients' and Streams' methods was still full 75 s
 * into a run, and its compile bursts made the p99). Each pass runs on its own fresh broker and state.
 */
public final class EndToEndBench {

  /** What runs beside the serving path; the names are the command line's. */
  public enum Pass {
    /**
     * Ingest and scorer, the seed model alone: the path whose latency users see when the trainer runs
     * elsewhere, on a GPU.
     */
    serving(false),
    /** The live trainer too, in the same JVM on the same cores, publishing versions the scorer swaps in. */
    trainer(true);

    private final boolean withTrainer;

    Pass(boolean withTrainer) {
      this.withTrainer = withTrainer;
    }
  }

  /** The demo's configuration with its state in {@code stateDir}, made afresh for every pass. */
  @FunctionalInterface
  public interface DemoConfigs {
    Demo.Config withStateDir(Path stateDir) throws Exception;
  }

  /**
   * @param classes the source's class names, the seed model's classes
   * @param warmUp latencies of this first part of each pass are not counted
   * @param verbose print each pass's progress lines
   */
  public record Settings(List<Pass> passes, List<String> classes, Duration warmUp, boolean verbose) {}

  /**
   * One pass's report and its producing rate.
   *
   * @param timestepsPerSecond timesteps produced over the configured producing time
   */
  public record PassResult(Pass pass, DemoReport report, double timestepsPerSecond) {

    /** The pass in one line: latencies, counts, versions served. */
    public String summary() {
      return String.format(Locale.ROOT,
          "%-8s p50 %4.0f ms  p99 %5.0f ms  (windows visible: p50 %4.0f ms, p99 %5.0f ms;"
              + " %,d timesteps at %,.0f/s, %,d windows, %,d classified, %d lost, %d duplicates,"
              + " model versions served %s)",
          pass, report.latencyMs().p50(), report.latencyMs().p99(), report.windowLatencyMs().p50(),
          report.windowLatencyMs().p99(), report.timestepsProduced(), timestepsPerSecond,
          report.windowsEmitted(), report.classificationsPublished(), report.lostWindows(),
          report.duplicateOutputs(), report.modelVersionsServed());
    }
  }

  /** The passes in the order run. */
  public record Result(List<PassResult> passes) {

    /** Each pass's whole report by pass name, for the JSON the command prints. */
    public Map<String, DemoReport> reports() {
      Map<String, DemoReport> reports = new LinkedHashMap<>();
      passes.forEach(p -> reports.put(p.pass().name(), p.report()));
      return reports;
    }
  }

  private final DemoConfigs configs;
  private final Settings settings;
  private final PrintStream out;

  /** @param out where each pass's summary (and, when verbose, its progress) is printed as it ends */
  public EndToEndBench(DemoConfigs configs, Settings settings, PrintStream out) {
    this.configs = configs;
    this.settings = settings;
    this.out = out;
  }

  public Result run() throws Exception {
    List<PassResult> results = new ArrayList<>();
    for (Pass pass : settings.passes()) {
      try (ScratchDirectory state = ScratchDirectory.create("foresight-bench-e2e")) {
        Demo.Config base = configs.withStateDir(state.path());
        Checkpoint seed;
        int classes = settings.classes().size();
        try (ForesightNet net = ForesightNet.create(base.trainer().config().withClasses(classes), base.tokenizer())) {
          seed = Checkpoint.of(net, 1, settings.classes(), Map.of());
        }
        PrintStream progress = settings.verbose() ? out : new PrintStream(OutputStream.nullOutputStream());
        DemoReport report = new Demo(base.withSeed(seed, pass.withTrainer, settings.warmUp()), progress).run();
        PassResult result =
            new PassResult(pass, report, report.timestepsProduced() / (double) base.duration().toSeconds());
        results.add(result);
        out.println(result.summary());
      }
    }
    return new Result(results);
  }
}
