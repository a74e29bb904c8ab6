package io.foresight.bench;

import io.foresight.bench.ServiceProcess.Role;
import io.foresight.ingest.WindowingTopology;
import io.foresight.ops.StateMemory;
import io.foresight.ops.TopicAdmin;
import io.foresight.ops.TopicDefinition;
import io.foresight.wire.Topics;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksIterator;

/**
 * The scale benchmark: one ingest instance (a JVM of its own, as deployed) against fleets of growing
 * size, each on a fresh broker (a JVM of its own), with the same work per size so that the figures
 * compare: what one more entity costs, in throughput, state, memory and restore time.
 *
 * <p>Per fleet of {@code n} entities: a <b>fill</b> record per entity (512 + (i mod 128) steps: a full
 * window each, with the entities' next windows spread evenly over the hop), then the same number of
 * <b>steady</b> records of {@code chunk} steps for entities drawn uniformly at random. Everything is
 * produced before ingest starts, so ingest runs flat out through a backlog, as after an outage. Rates are
 * taken between 10 % and 90 % of each phase's steps (from ingest's own counters on its {@code /metrics},
 * sampled every 200 ms), so start-up and the last partition's tail do not count. The windows ingest
 * reports must equal the windows the steps make, or the point fails.
 *
 * <p>Then ingest is killed with SIGKILL and started again: under exactly-once Kafka Streams 4.3 wipes a
 * store that was not closed cleanly and restores it from its changelog, and the time to ready is the
 * restore time (the records restored are read from Kafka Streams' log, as proof that a restore ran).
 * Then it is stopped cleanly (RocksDB flushes) and its stores are opened read-only: keys and bytes
 * per entity are counted exactly, beside the SST files' size and the changelog's size on the broker.
 *
 * <p>Memory: the ingest JVM's resident set ({@code /proc/<pid>/status}: the highest sample and the
 * kernel's peak, VmHWM), its heap in use (highest {@code jvm_memory_used_bytes{area="heap"}} sample:
 * garbage included, so it follows the collector more than the data) and its live heap: the heap in use
 * right after a full collection that {@code jcmd <pid> GC.run} asks for once the steady phase is done.
 *
 * <p>The scorer keeps no per-entity state (its store holds one partial batch), so its cost does not
 * grow with the fleet and it is not part of this run; {@code bench e2e} measures it.
 */
public final class ScaleRun {

  static final int WINDOW = 512;
  static final int HOP = 128;
  /** Event time between two steps: devices at 1 Hz. */
  static final long STEP_MS = 1_000;

  /** Kafka Streams' warning as it wipes a task's store that was not closed cleanly under exactly-once. */
  private static final Pattern WIPED =
      Pattern.compile("(?:wipe out the local state of task |Tasks \\[|Encounter corrupted task )(\\d+_\\d+)");

  /**
   * @param fleets the fleet sizes, smallest first (the ratios are to the first)
   * @param steadyRecords steady records per fleet, the same for every size
   * @param chunk steps per steady record
   * @param integerSteps counts 0..40 (one byte per step in state and windows) or fractions (float32)
   * @param staticMembership ingest rejoins under a fixed {@code group.instance.id}, so a restarted
   *     instance takes its partitions back at once instead of after the dead one's session timeout
   * @param stateMemoryBytes ingest's RocksDB budget ({@link StateMemory})
   * @param ingestHeap ingest's {@code -Xmx}
   * @param dir working directory: each fleet's broker data and state (deleted after it) and logs (kept)
   */
  public record Settings(
      List<Integer> fleets, int steadyRecords, int chunk, boolean integerSteps, boolean staticMembership,
      long stateMemoryBytes, String ingestHeap, long seed, Path dir) {

    public Settings {
      fleets = List.copyOf(fleets);
      if (fleets.isEmpty() || fleets.stream().anyMatch(n -> n < 1) || steadyRecords < 1 || chunk < 1) {
        throw new IllegalArgumentException("at least one fleet size, steady records and chunk, please");
      }
    }
  }

  /** One fleet size's figures. */
  public record Point(
      int entities,
      long fillSteps,
      double fillStepsPerSecond,
      long steadySteps,
      double steadyStepsPerSecond,
      double steadyWindowsPerSecond,
      long windows,
      long windowsExpected,
      long stateKeys,
      double stateBytesPerEntity,
      double rocksDbBytesPerEntity,
      double changelogBytesPerEntity,
      long changelogBytes,
      long peakRssBytes,
      long peakHeapBytes,
      long liveHeapBytes,
      Double restoreSeconds,
      int tasksWiped,
      double restoreSecondsPerGb,
      double seconds) {}

  /** The run: one point per fleet size and each figure as a ratio to the first. */
  public record Result(Settings settings, List<Point> points, List<Map<String, Double>> ratiosToFirst) {}

  private final Settings settings;
  private final PrintStream out;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  public ScaleRun(Settings settings, PrintStream out) {
    this.settings = settings;
    this.out = out;
  }

  public Result run() throws Exception {
    List<Point> points = new ArrayList<>();
    for (int n : settings.fleets()) {
      Point p = fleet(n);
      points.add(p);
      out.printf(Locale.ROOT,
          "%,9d entities: steady %,.0f steps/s, %,.0f windows/s; fill %,.0f steps/s; state %.0f B/entity"
              + " (RocksDB %.0f, changelog %.0f); RSS peak %,d MiB, heap peak %,d MiB; restore %s s"
              + " (%d tasks wiped and restored); windows %,d of %,d%n",
          n, p.steadyStepsPerSecond(), p.steadyWindowsPerSecond(), p.fillStepsPerSecond(),
          p.stateBytesPerEntity(), p.rocksDbBytesPerEntity(), p.changelogBytesPerEntity(),
          p.peakRssBytes() >> 20, p.peakHeapBytes() >> 20,
          p.restoreSeconds() == null ? "-" : String.format(Locale.ROOT, "%.1f", p.restoreSeconds()),
          p.tasksWiped(), p.windows(), p.windowsExpected());
    }
    Point first = points.get(0);
    List<Map<String, Double>> ratios = points.stream().map(p -> Map.of(
        "steadyStepsPerSecond", p.steadyStepsPerSecond() / first.steadyStepsPerSecond(),
        "stateBytesPerEntity", p.stateBytesPerEntity() / first.stateBytesPerEntity(),
        "peakRssBytes", p.peakRssBytes() / (double) first.peakRssBytes(),
        "peakHeapBytes", p.peakHeapBytes() / (double) first.peakHeapBytes(),
        "liveHeapBytes", p.liveHeapBytes() / (double) Math.max(1, first.liveHeapBytes()),
        "restoreSeconds", p.restoreSeconds() == null || first.restoreSeconds() == null
            ? Double.NaN : p.restoreSeconds() / first.restoreSeconds())).toList();
    return new Result(settings, points, ratios);
  }

  /** Problems that make the run a failure: windows lost or extra, a restart that never became ready. */
  public static List<String> failures(Result result) {
    List<String> failures = new ArrayList<>();
    for (Point p : result.points()) {
      if (p.windows() != p.windowsExpected()) {
        failures.add(p.entities() + " entities: " + p.windows() + " windows, expected " + p.windowsExpected());
      }
      if (p.restoreSeconds() == null) {
        failures.add(p.entities() + " entities: ingest was not ready after its kill -9");
      } else if (p.tasksWiped() == 0) {
        failures.add(p.entities() + " entities: no store was wiped after the kill -9, so no restore was measured");
      }
    }
    return failures;
  }

  // ---- one fleet ----

  private Point fleet(int n) throws Exception {
    long started = System.nanoTime();
    Path dir = settings.dir().toAbsolutePath().resolve("fleet-" + n);
    Path logs = settings.dir().toAbsolutePath().resolve("logs").resolve("fleet-" + n);
    Files.createDirectories(logs);
    int brokerPort = ServiceProcess.freePort();
    String bootstrap = "127.0.0.1:" + brokerPort;
    try (Admin admin = Admin.create(Map.of(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000))) {
      ServiceProcess broker = new ServiceProcess(Role.broker, ServiceProcess.java("1g"),
          List.of("broker", "--dir", dir.resolve("broker").toString(), "--port", String.valueOf(brokerPort)),
          ServiceProcess.ENV, logs, () -> ServiceProcess.brokerAnswers(admin));
      int metricsPort = ServiceProcess.freePort();
      ServiceProcess ingest = new ServiceProcess(Role.ingest, ServiceProcess.java(settings.ingestHeap()),
          ingestArgs(n, bootstrap, metricsPort, dir.resolve("state")), ServiceProcess.ENV, logs,
          () -> ServiceProcess.healthReady(metricsPort));
      try {
        broker.start();
        if (broker.awaitReady(120) == null) {
          throw new IllegalStateException("the broker did not start; see " + broker.log(1));
        }
        TopicAdmin.apply(admin, TopicDefinition.load(), null);
        Workload work = produce(n, bootstrap);
        ingest.start();
        Throughput t = watch(ingest, metricsPort, work);
        long liveHeap = liveHeapAfterFullGc(ingest, metricsPort);
        Thread.sleep(3_000); // a commit interval and more: the last transaction is committed
        long changelogBytes = changelogBytes(admin, applicationId(n));
        int exit = ingest.kill();
        if (exit != ServiceProcess.SIGKILL_EXIT) {
          throw new IllegalStateException("ingest exited with " + exit + ", not SIGKILL's 137");
        }
        ingest.start();
        Double restore = ingest.awaitReady(600);
        int wiped = wipedTasks(ingest.log(2));
        Files.writeString(logs.resolve("metrics-after-restore.txt"), page(metricsPort));
        ingest.stop(60);
        State state = inspect(dir.resolve("state").resolve(applicationId(n)));
        return new Point(n, work.fillSteps, t.fillRate, work.steadySteps, t.steadyRate, t.steadyWindowRate,
            t.windows, work.windows, state.keys, state.logicalBytes / (double) n, state.sstBytes / (double) n,
            changelogBytes / (double) n, changelogBytes, t.peakRss, t.peakHeap, liveHeap, restore, wiped,
            restore == null ? Double.NaN : restore / (changelogBytes / 1e9), (System.nanoTime() - started) / 1e9);
      } finally {
        ingest.stop(30);
        broker.stop(30);
        ScratchDirectory.at(dir).close();
      }
    }
  }

  private String applicationId(int n) {
    return "scale-" + n;
  }

  private List<String> ingestArgs(int n, String bootstrap, int metricsPort, Path state) {
    List<String> args = new ArrayList<>(List.of("ingest", "--bootstrap-servers", bootstrap,
        "--metrics-port", String.valueOf(metricsPort), "--state-dir", state.toString(),
        "--application-id", applicationId(n), "--window-length", String.valueOf(WINDOW),
        "--hop", String.valueOf(HOP),
        "--kafka-property", StateMemory.BUDGET_CONFIG + "=" + settings.stateMemoryBytes()));
    if (settings.staticMembership()) {
      args.addAll(List.of("--kafka-property", "group.instance.id=" + applicationId(n) + "-0"));
    }
    if (!settings.integerSteps()) {
      args.addAll(List.of("--tokenizer", "real"));
    }
    return args;
  }

  // ---- the workload ----

  private record Workload(long fillSteps, long steadySteps, long windows) {}

  /** Produces the fill and steady records and returns the steps and the windows they make. */
  private Workload produce(int n, String bootstrap) {
    long[] nextTs = new long[n];
    long[] steps = new long[n];
    long base = 1_700_000_000_000L;
    SplittableRandom values = new SplittableRandom(settings.seed());
    Random pick = new Random(settings.seed() + n);
    long fillSteps = 0;
    long steadySteps = 0;
    long t0 = System.nanoTime();
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.LINGER_MS_CONFIG, 20,
        ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024,
        ProducerConfig.BUFFER_MEMORY_CONFIG, 256L << 20), new StringSerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < n; i++) {
        int count = WINDOW + i % HOP;
        send(producer, i, base, count, values);
        nextTs[i] = base + count * STEP_MS;
        steps[i] = count;
        fillSteps += count;
      }
      for (int r = 0; r < settings.steadyRecords(); r++) {
        int i = pick.nextInt(n);
        send(producer, i, nextTs[i], settings.chunk(), values);
        nextTs[i] += settings.chunk() * STEP_MS;
        steps[i] += settings.chunk();
        steadySteps += settings.chunk();
      }
      producer.flush();
    }
    long windows = 0;
    for (long s : steps) {
      windows += s < WINDOW ? 0 : 1 + (s - WINDOW) / HOP;
    }
    out.printf(Locale.ROOT, "%,9d entities: produced %,d fill + %,d steady steps in %.0f s%n",
        n, fillSteps, steadySteps, (System.nanoTime() - t0) / 1e9);
    return new Workload(fillSteps, steadySteps, windows);
  }

  private void send(KafkaProducer<String, byte[]> producer, int entity, long ts, int count,
      SplittableRandom values) {
    StringBuilder json = new StringBuilder(16 + 4 * count);
    json.append("{\"ts\":").append(ts).append(",\"intervalMs\":").append(STEP_MS).append(",\"values\":[");
    for (int k = 0; k < count; k++) {
      if (k > 0) {
        json.append(',');
      }
      int v = values.nextInt(41);
      json.append(v);
      if (!settings.integerSteps()) {
        json.append(".5");
      }
    }
    json.append("]}");
    producer.send(new ProducerRecord<>(Topics.TIMESTEPS, "dev-" + entity,
        json.toString().getBytes(StandardCharsets.US_ASCII)));
  }

  // ---- watching ingest ----

  private record Throughput(double fillRate, double steadyRate, double steadyWindowRate, long windows,
      long peakRss, long peakHeap) {}

  record Sample(double seconds, double steps, double windows) {}

  /** Samples ingest's counters and memory until it has taken every step and made every window. */
  private Throughput watch(ServiceProcess ingest, int port, Workload work) throws Exception {
    List<Sample> samples = new ArrayList<>();
    long total = work.fillSteps + work.steadySteps;
    long peakRss = 0;
    long peakHeap = 0;
    long t0 = System.nanoTime();
    long lastProgress = t0;
    double lastSteps = -1;
    double windows = 0;
    while (true) {
      if (!ingest.alive()) {
        throw new IllegalStateException("ingest exited with " + ingest.exitValue() + "; see " + ingest.log(1));
      }
      Map<String, Double> m = scrape(port);
      ServiceProcess.Resident rss = ingest.resident();
      if (rss != null) {
        peakRss = Math.max(peakRss, Math.max(rss.bytes(), rss.peakBytes()));
      }
      if (m != null) {
        double steps = m.getOrDefault("foresight_ingest_timesteps_total", 0.0);
        windows = m.getOrDefault("foresight_ingest_windows_total", 0.0);
        peakHeap = Math.max(peakHeap, m.getOrDefault("heap", 0.0).longValue());
        samples.add(new Sample((System.nanoTime() - t0) / 1e9, steps, windows));
        if (steps != lastSteps) {
          lastSteps = steps;
          lastProgress = System.nanoTime();
        }
        if (steps >= total && windows >= work.windows) {
          break;
        }
      }
      if (System.nanoTime() - lastProgress > 120e9) {
        out.printf("ingest made no progress for 2 min at %,.0f of %,d steps; giving up%n", lastSteps, total);
        break;
      }
      Thread.sleep(200);
    }
    return new Throughput(
        rate(samples, 0.1 * work.fillSteps, 0.9 * work.fillSteps, false),
        rate(samples, work.fillSteps + 0.1 * work.steadySteps, work.fillSteps + 0.9 * work.steadySteps, false),
        rate(samples, work.fillSteps + 0.1 * work.steadySteps, work.fillSteps + 0.9 * work.steadySteps, true),
        (long) windows, peakRss, peakHeap);
  }

  /** Steps (or windows) per second between the samples where the steps first reached {@code from} and {@code to}. */
  static double rate(List<Sample> samples, double from, double to, boolean windows) {
    Sample a = null;
    Sample b = null;
    for (Sample s : samples) {
      if (a == null && s.steps() >= from) {
        a = s;
      }
      if (b == null && s.steps() >= to) {
        b = s;
      }
    }
    if (a == null || b == null || b.seconds() <= a.seconds()) {
      return Double.NaN;
    }
    double amount = windows ? b.windows() - a.windows() : b.steps() - a.steps();
    return amount / (b.seconds() - a.seconds());
  }

  /** The service's Prometheus page. */
  private String page(int port) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
        .timeout(Duration.ofSeconds(5)).build();
    return http.send(request, HttpResponse.BodyHandlers.ofString()).body();
  }

  /** The counters this run reads from a Prometheus text page, summed over their tags; null when unreachable. */
  private Map<String, Double> scrape(int port) {
    try {
      String page = page(port);
      Map<String, Double> figures = new java.util.HashMap<>();
      for (String line : page.split("\n")) {
        if (line.startsWith("#")) {
          continue;
        }
        int space = line.lastIndexOf(' ');
        int brace = line.indexOf('{');
        String name = line.substring(0, brace >= 0 && brace < space ? brace : space);
        double value = Double.parseDouble(line.substring(space + 1));
        if (name.equals("foresight_ingest_timesteps_total") || name.equals("foresight_ingest_windows_total")) {
          figures.merge(name, value, Double::sum);
        } else if (name.equals("jvm_memory_used_bytes") && line.contains("area=\"heap\"")) {
          figures.merge("heap", value, Double::sum);
        }
      }
      return figures;
    } catch (IOException | RuntimeException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** Asks the ingest JVM for a full collection ({@code jcmd GC.run}) and reads its heap in use after it. */
  private long liveHeapAfterFullGc(ServiceProcess ingest, int port) throws Exception {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    Process gc = new ProcessBuilder(jcmd.toString(), String.valueOf(ingest.pid()), "GC.run")
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    if (!gc.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) || gc.exitValue() != 0) {
      gc.destroyForcibly();
      return -1;
    }
    Map<String, Double> m = scrape(port);
    return m == null ? -1 : m.getOrDefault("heap", -1.0).longValue();
  }

  // ---- state after the run ----

  record State(long keys, long logicalBytes, long sstBytes) {}

  /**
   * Opens each of the app's ingest stores (the service has stopped), compacts it, and counts its keys,
   * their bytes and its SST files: compaction drops the overwritten versions a running store sheds
   * over time, so the files measure the state, not how recently it was written.
   */
  static State inspect(Path appState) throws Exception {
    RocksDB.loadLibrary();
    long keys = 0;
    long bytes = 0;
    long sst = 0;
    List<Path> stores;
    try (Stream<Path> walk = Files.walk(appState)) {
      stores = walk.filter(p -> p.getFileName().toString().equals(WindowingTopology.STORE)
          && p.getParent().getFileName().toString().equals("rocksdb")).toList();
    }
    for (Path store : stores) {
      List<byte[]> families;
      try (Options options = new Options()) {
        families = RocksDB.listColumnFamilies(options, store.toString());
      }
      List<ColumnFamilyDescriptor> descriptors = families.stream().map(ColumnFamilyDescriptor::new).toList();
      List<ColumnFamilyHandle> handles = new ArrayList<>();
      try (DBOptions options = new DBOptions();
          RocksDB db = RocksDB.open(options, store.toString(), descriptors, handles)) {
        for (int i = 0; i < handles.size(); i++) {
          db.compactRange(handles.get(i)); // what a long-running store settles at: no overwritten versions
        }
        for (int i = 0; i < handles.size(); i++) {
          if (new String(families.get(i), StandardCharsets.UTF_8).toLowerCase(Locale.ROOT).contains("offset")) {
            continue; // Kafka Streams' own bookkeeping (changelog offsets), not entity state
          }
          try (RocksIterator it = db.newIterator(handles.get(i))) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
              keys++;
              bytes += it.key().length + it.value().length;
            }
          }
        }
      } finally {
        handles.forEach(ColumnFamilyHandle::close);
      }
      try (Stream<Path> files = Files.list(store)) {
        for (Path f : files.filter(f -> f.toString().endsWith(".sst")).toList()) {
          sst += Files.size(f);
        }
      }
    }
    return new State(keys, bytes, sst);
  }

  /** Bytes of the app's ingest changelog on the broker (all partitions; the active segment is not compacted). */
  private static long changelogBytes(Admin admin, String applicationId) throws Exception {
    String topic = applicationId + "-" + WindowingTopology.STORE + "-changelog";
    long bytes = 0;
    List<Integer> brokers = admin.describeCluster().nodes().get().stream().map(node -> node.id()).toList();
    for (Map<String, LogDirDescription> dirs : admin.describeLogDirs(brokers).allDescriptions().get().values()) {
      for (LogDirDescription dir : dirs.values()) {
        for (Map.Entry<TopicPartition, ReplicaInfo> replica : dir.replicaInfos().entrySet()) {
          if (replica.getKey().topic().equals(topic)) {
            bytes += replica.getValue().size();
          }
        }
      }
    }
    return bytes;
  }

  /** Tasks whose stores Kafka Streams says it wiped (to restore them from their changelogs). */
  private static int wipedTasks(Path log) throws IOException {
    java.util.Set<String> tasks = new java.util.TreeSet<>();
    for (String line : Files.readAllLines(log)) {
      Matcher m = WIPED.matcher(line);
      if (m.find()) {
        tasks.add(m.group(1));
      }
    }
    return tasks.size();
  }

}
