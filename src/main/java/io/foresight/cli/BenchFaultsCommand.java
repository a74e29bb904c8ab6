package io.foresight.cli;

import io.foresight.bench.FaultReport;
import io.foresight.bench.FaultRun;
import io.foresight.wire.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bench faults}: exactly-once and recovery under kill -9 ({@link FaultRun}). */
@Command(name = "faults", mixinStandardHelpOptions = true,
    description = {"Runs broker, ingest, scorer and trainer as separate JVMs, kills them with SIGKILL"
        + " (kill -9) on a schedule spread over all four while a deterministic replay flows, restarts"
        + " each, and counts every output (read_committed): windows, embeddings and classifications"
        + " lost or duplicated, model versions, trainer resumption, restore times.",
        "Exits 1 when anything was lost, duplicated or wrong."})
final class BenchFaultsCommand implements Callable<Integer> {

  @Option(names = "--entities", defaultValue = "100", description = "Entities replayed (default: ${DEFAULT-VALUE}).")
  int entities;

  @Option(names = "--steps", defaultValue = "10000",
      description = "Steps per entity (default: ${DEFAULT-VALUE}; with 100 entities a 1,000,000-step replay).")
  int steps;

  @Option(names = "--kills", defaultValue = "20",
      description = "kill -9s, spread over broker, ingest, scorer and trainer (default: ${DEFAULT-VALUE}).")
  int kills;

  @Option(names = "--seed", defaultValue = "1", description = "Seed of the replay and the kill order (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--dir", paramLabel = "DIR",
      description = "Run directory: logs/, the broker's data, the services' state (default: a new temporary"
          + " directory, kept for its logs).")
  Path dir;

  @Option(names = "--window-length", defaultValue = "64", description = "Ingest's window length (default: ${DEFAULT-VALUE}).")
  int windowLength;

  @Option(names = "--hop", defaultValue = "32", description = "Ingest's hop (default: ${DEFAULT-VALUE}).")
  int hop;

  @Option(names = "--rate", defaultValue = "10000",
      description = "Top producing rate, steps/s; the kill schedule also holds it back (default: ${DEFAULT-VALUE}).")
  double rate;

  @Option(names = "--pause", defaultValue = "2", description = "Seconds a killed process stays down (default: ${DEFAULT-VALUE}).")
  double pause;

  @Option(names = "--ready-timeout", defaultValue = "180",
      description = "Seconds a process may take to become ready before it counts as stuck (default: ${DEFAULT-VALUE}).")
  double readyTimeout;

  @Option(names = "--settle-timeout", defaultValue = "600",
      description = "Seconds the outputs may take to become complete after the replay (default: ${DEFAULT-VALUE}).")
  double settleTimeout;

  @Option(names = "--service-kafka-property", paramLabel = "KEY=VALUE",
      description = "A Kafka client property for ingest, scorer and trainer (--kafka-property), repeatable.")
  List<String> serviceKafkaProperties = new ArrayList<>();

  @Option(names = "--report", paramLabel = "FILE", description = "Also write the whole report as JSON here.")
  Path report;

  @Override
  public Integer call() throws Exception {
    // This JVM's own clients lose the broker at every one of its kills, and would say so every second.
    BenchCommand.muteClientLogs();
    Path runDir = dir != null ? dir : Files.createTempDirectory("foresight-faults-");
    System.out.println("run directory (logs/, broker/, state/): " + runDir.toAbsolutePath());
    FaultRun.Settings settings =
        new FaultRun.Settings(entities, steps, kills, seed, runDir, windowLength, hop, 16, rate, pause,
            readyTimeout, settleTimeout, serviceKafkaProperties);
    FaultReport r = new FaultRun(settings, System.out).run();
    if (report != null) {
      Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(report.toFile(), r);
    }
    print(r);
    return r.passed() ? 0 : 1;
  }

  private static void print(FaultReport r) {
    System.out.printf(Locale.ROOT, "%n%,d steps in %.0f s, %d kills (exit values %s), %d rounds resent%n",
        r.stepsProduced(), r.seconds(), r.kills().size(),
        r.kills().stream().map(FaultReport.Kill::exitValue).distinct().sorted().toList(), r.resentRounds());
    System.out.printf(Locale.ROOT, "%-10s %6s %12s %10s%n", "restore", "kills", "median s", "max s");
    for (Map.Entry<?, FaultReport.Restores> e : r.restores().entrySet()) {
      FaultReport.Restores t = e.getValue();
      System.out.printf(Locale.ROOT, "%-10s %6d %12s %10s%n", e.getKey(), t.kills(), seconds(t.medianSeconds()),
          seconds(t.maxSeconds()));
    }
    FaultReport.Outputs o = r.outputs();
    System.out.printf(Locale.ROOT, "%-16s %10s %10s %10s %8s %10s %10s%n", "output", "expected", "records",
        "distinct", "lost", "duplicated", "wrong");
    row("windows", o.expectedWindows(), o.windows(), o.windowsWrong());
    row("embeddings", o.expectedWindows(), o.embeddings(), o.embeddingsUnexpected());
    FaultReport.Classifications c = o.classifications();
    System.out.printf(Locale.ROOT, "%-16s %,10d %,10d %10s %,8d %,10d %,10d%n", "classifications", c.expected(),
        c.records(), "", c.lost(), c.duplicated(), c.unexpected());
    FaultReport.Models m = r.models();
    System.out.printf(Locale.ROOT,
        "model versions: %d published, %s, first with a classifier %s; scored after a classifier by a"
            + " version without one: %,d; with an older version than before: %,d; dlq %,d %s%n",
        m.versions().size(), m.rising() ? "only rising" : "NOT ONLY RISING: " + m.versions(),
        m.firstWithClassifier() == null ? "none" : "v" + m.firstWithClassifier(), c.withoutClassifierAfterFirst(),
        o.versionRegressions(), o.dlq(), o.dlqByReason());
    System.out.println("trainer restarts: " + r.trainerStarts().stream()
        .map(s -> (s.resumedVersion() == null ? "fresh" : "resumed v" + s.resumedVersion())
            + " (v" + s.publishedBefore() + " published before)")
        .toList());
    if (!r.unplanned().isEmpty()) {
      System.out.println("unplanned restarts: " + r.unplanned());
    }
    System.out.println(r.passed() ? "PASSED: nothing lost, duplicated or wrong" : "FAILED:");
    r.failures().forEach(f -> System.out.println("  " + f));
  }

  private static void row(String name, long expected, FaultReport.Count count, long wrong) {
    System.out.printf(Locale.ROOT, "%-16s %,10d %,10d %,10d %,8d %,10d %,10d%n", name, expected, count.records(),
        count.distinct(), count.lost(), count.duplicated(), wrong);
  }

  private static String seconds(Double s) {
    return s == null ? "-" : String.format(Locale.ROOT, "%.1f", s);
  }
}
