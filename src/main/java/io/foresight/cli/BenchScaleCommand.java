package io.foresight.cli;

import io.foresight.bench.ScalePlot;
import io.foresight.bench.ScaleRun;
import io.foresight.ops.StateMemory;
import io.foresight.wire.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bench scale}: what one entity costs as the fleet grows ({@link ScaleRun}). */
@Command(name = "scale", mixinStandardHelpOptions = true,
    description = {"One ingest JVM against fleets of growing size (a fresh broker JVM each), the same work"
        + " per size: steady steps/s and windows/s, state bytes per entity (keys and values, RocksDB files,"
        + " changelog), resident set and heap, and restore time after kill -9, each as a ratio to the first"
        + " size. Writes JSON and a PNG of the curves.",
        "Exits 1 when a size lost or added windows or ingest did not come back after its kill."})
final class BenchScaleCommand implements Callable<Integer> {

  @Option(names = "--entities", split = ",", defaultValue = "1000,10000,100000,1000000",
      description = "Fleet sizes, smallest first (default: ${DEFAULT-VALUE}).")
  List<Integer> entities;

  @Option(names = "--steady-records", defaultValue = "2000000",
      description = "Steady records per size, entities drawn at random (default: ${DEFAULT-VALUE}).")
  int steadyRecords;

  @Option(names = "--chunk", defaultValue = "32", description = "Steps per steady record (default: ${DEFAULT-VALUE}).")
  int chunk;

  @Option(names = "--values", defaultValue = "integer",
      description = "integer (counts 0..40: one byte per step) or real (fractions: float32) (default: ${DEFAULT-VALUE}).")
  String values;

  @Option(names = "--static-membership", defaultValue = "true", negatable = true, fallbackValue = "true",
      description = "Ingest joins under a fixed group.instance.id, so a restarted instance takes its partitions"
          + " back at once (default: ${DEFAULT-VALUE}; --no-static-membership waits out the session timeout).")
  boolean staticMembership;

  @Option(names = "--state-memory", defaultValue = "" + (StateMemory.DEFAULT_BUDGET_BYTES >> 20),
      description = "Ingest's RocksDB budget in MiB (default: ${DEFAULT-VALUE}).")
  long stateMemoryMib;

  @Option(names = "--ingest-heap", defaultValue = "1g", description = "Ingest's -Xmx (default: ${DEFAULT-VALUE}).")
  String ingestHeap;

  @Option(names = "--seed", defaultValue = "16", description = "Seed of the steps and the entity draws (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--dir", description = "Working directory (default: a new temporary one; each size's is deleted after it).")
  Path dir;

  @Option(names = "--json", defaultValue = "target/bench-scale.json", description = "Report (default: ${DEFAULT-VALUE}).")
  Path json;

  @Option(names = "--plot", defaultValue = "target/bench-scale.png", description = "Curves (default: ${DEFAULT-VALUE}).")
  Path plot;

  @Override
  public Integer call() throws Exception {
    if (!values.equals("integer") && !values.equals("real")) {
      throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "--values: integer or real");
    }
    BenchCommand.muteClientLogs();
    Path work = dir != null ? dir : Files.createTempDirectory("foresight-bench-scale");
    ScaleRun.Settings settings = new ScaleRun.Settings(entities, steadyRecords, chunk, values.equals("integer"),
        staticMembership, stateMemoryMib << 20, ingestHeap, seed, work);
    ScaleRun.Result result = new ScaleRun(settings, System.out).run();
    Files.createDirectories(json.toAbsolutePath().getParent());
    Files.writeString(json, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(result));
    ScalePlot.write(result, plot);
    System.out.println("entities   steady steps/s (ratio)  state B/entity (ratio)  RSS peak MiB (ratio)"
        + "  live heap MiB (ratio)  restore s (ratio)");
    for (int i = 0; i < result.points().size(); i++) {
      ScaleRun.Point p = result.points().get(i);
      Map<String, Double> r = result.ratiosToFirst().get(i);
      System.out.printf(Locale.ROOT, "%,9d  %,12.0f (%.2f)  %10.0f (%.2f)  %10d (%.2f)  %10d (%.2f)  %8.1f (%.2f)%n",
          p.entities(), p.steadyStepsPerSecond(), r.get("steadyStepsPerSecond"), p.stateBytesPerEntity(),
          r.get("stateBytesPerEntity"), p.peakRssBytes() >> 20, r.get("peakRssBytes"), p.liveHeapBytes() >> 20,
          r.get("liveHeapBytes"), p.restoreSeconds() == null ? Double.NaN : p.restoreSeconds(),
          r.get("restoreSeconds"));
    }
    System.out.println("report: " + json + ", curves: " + plot);
    List<String> failures = ScaleRun.failures(result);
    failures.forEach(f -> System.out.println("FAILED: " + f));
    return failures.isEmpty() ? 0 : 1;
  }
}
