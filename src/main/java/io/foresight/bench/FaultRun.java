package io.foresight.bench;

import io.foresight.bench.ServiceProcess.Role;
import io.foresight.data.TimestepRecords;
import io.foresight.ops.EmbeddedKafka;
import io.foresight.wire.Checkpoint;
import io.foresight.wire.CheckpointCodec;
import io.foresight.wire.CheckpointTopic;
import io.foresight.wire.CorruptCheckpointException;
import io.foresight.wire.Topics;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The fault suite: broker, ingest, scorer and trainer each in a JVM of its own, a deterministic replay
 * ({@link FaultReplay}) produced while they are killed with SIGKILL one at a time on a schedule spread
 * over all four and over the replay, each restarted after a pause (the broker on the same directory
 * and port); then, once the outputs have settled, a read_committed count of everything published
 * ({@link OutputAudit}), the checkpoints on {@code foresight.models} and the trainers' logs.
 *
 * <p>Schedule: kill {@code k} (from 0) is due once {@code (k + 1) / (kills + 1)} of the replay has been
 * sent and every process is ready; the producer does not run past the next kill's share before that
 * kill has happened, so every kill falls inside the replay and the replay keeps flowing while the
 * killed process is down and restoring. The order cycles through the four processes, shuffled per
 * cycle by the seed.
 *
 * <p>Restore time is from the restart to the first 200 of the service's {@code /health/ready} on its
 * fixed metrics port (for the broker: to its first answer to a client).
 *
 * <p>The producer lives in this JVM: idempotent, acks=all, and each round (one chunk per entity) is
 * flushed before the next; a round that fails is sent again whole, which ingest absorbs (steps it has
 * accepted are dropped or dead-lettered as out-of-order, never windowed twice) and the report counts.
 */
public final class FaultRun {

  /** The model name the run's trainer and scorer use, so a run never touches another's models. */
  static final String MODEL = "fault";

  /** Outputs count as settled once complete and unchanged for this long. */
  private static final long QUIET_NANOS = TimeUnit.SECONDS.toNanos(10);

  private static final Pattern RESUMED = Pattern.compile("resuming model '" + MODEL + "' version (\\d+)");
  private static final Pattern PUBLISHED = Pattern.compile("published model '" + MODEL + "' version (\\d+)");
  private static final String FRESH = "starting a fresh model";

  /**
   * @param dir run directory: logs, the broker's data, the services' state (created if missing)
   * @param windowLength ingest's sliding window length
   * @param hop ingest's hop
   * @param chunk steps per timestep record
   * @param stepsPerSecond the producer's top rate (kills also hold it back)
   * @param pauseSeconds how long a killed process stays down before its restart
   * @param readyTimeoutSeconds how long a process may take to become ready before it counts as stuck
   * @param settleTimeoutSeconds how long, after the replay, the outputs may take to become complete
   * @param serviceKafkaProperties {@code KEY=VALUE} Kafka client properties for ingest, scorer and trainer
   */
  public record Settings(
      int entities, int steps, int kills, long seed, Path dir, int windowLength, int hop, int chunk,
      double stepsPerSecond, double pauseSeconds, double readyTimeoutSeconds, double settleTimeoutSeconds,
      List<String> serviceKafkaProperties) {

    public Settings {
      if (kills < 0 || chunk < 1 || !(stepsPerSecond > 0)) {
        throw new IllegalArgumentException("kills >= 0, chunk >= 1 and a positive rate, please");
      }
      serviceKafkaProperties = List.copyOf(serviceKafkaProperties);
    }
  }

  private final Settings settings;
  private final PrintStream out;
  private final FaultReplay replay;
  private final Map<Role, ServiceProcess> processes = new EnumMap<>(Role.class);
  private final List<String> unplanned = Collections.synchronizedList(new ArrayList<>());
  private final AtomicLong sent = new AtomicLong();
  private final AtomicInteger killsDone = new AtomicInteger();
  private final AtomicLong resentRounds = new AtomicLong();
  private final AtomicReference<Throwable> producerFailure = new AtomicReference<>();
  private volatile boolean stopping;
  private Admin admin;

  public FaultRun(Settings settings, PrintStream out) {
    this.settings = settings;
    this.out = out;
    this.replay =
        new FaultReplay(settings.entities(), settings.steps(), settings.windowLength(), settings.hop(),
            settings.seed(), System.currentTimeMillis() / 1000 * 1000);
  }

  public FaultReport run() throws Exception {
    long started = System.nanoTime();
    Path dir = settings.dir().toAbsolutePath();
    Files.createDirectories(dir.resolve("logs"));
    int brokerPort = ServiceProcess.freePort();
    String bootstrap = "127.0.0.1:" + brokerPort;
    Map<String, Object> kafka = Map.of("bootstrap.servers", bootstrap);
    createProcesses(dir, brokerPort);
    // Should this JVM be stopped (Ctrl-C), its children must not outlive it.
    Thread reaper = new Thread(() -> processes.values().forEach(ServiceProcess::killQuietly), "fault-reaper");
    Runtime.getRuntime().addShutdownHook(reaper);
    admin = Admin.create(Map.of(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000,
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3_000));
    Thread producer = new Thread(() -> produce(kafka), "fault-producer");
    producer.setDaemon(true);
    try {
      startAll(dir, bootstrap);
      out.printf(Locale.ROOT, "all four processes ready; producing %,d steps (%d entities x %,d), %d kills%n",
          replay.totalSteps(), replay.entities(), replay.steps(), settings.kills());
      producer.start();
      List<FaultReport.Kill> kills = killOnSchedule(producer);
      while (producer.isAlive()) {
        supervise();
        producer.join(200);
      }
      if (producerFailure.get() != null) {
        throw new IllegalStateException("the producer failed", producerFailure.get());
      }
      awaitAllReady();
      out.printf(Locale.ROOT, "replay sent (%,d steps); waiting for %,d windows to settle%n", sent.get(),
          replay.expectedWindows());
      OutputAudit audit = new OutputAudit(replay);
      boolean settled = settle(kafka, audit);
      Map<Long, Boolean> classifierByVersion = new HashMap<>();
      FaultReport.Models models = readModels(kafka, classifierByVersion);
      FaultReport.Outputs outputs = audit.outputs(v -> classifierByVersion.getOrDefault(v, false));
      List<FaultReport.TrainerStart> trainerStarts = trainerStarts();
      double seconds = (System.nanoTime() - started) / 1e9;
      return new FaultReport(settings, dir.toString(), seconds, sent.get(), resentRounds.get(), kills,
          restores(kills), List.copyOf(unplanned), settled, outputs, models, trainerStarts,
          failures(kills, settled, outputs, models, trainerStarts));
    } finally {
      stopping = true;
      stopAll();
      admin.close(Duration.ofSeconds(2));
      try {
        Runtime.getRuntime().removeShutdownHook(reaper);
      } catch (IllegalStateException e) {
        // the JVM is shutting down: the hook runs anyway
      }
    }
  }

  private void createProcesses(Path dir, int brokerPort) {
    String bootstrap = "127.0.0.1:" + brokerPort;
    List<String> kafka = new ArrayList<>(List.of("--bootstrap-servers", bootstrap));
    for (String property : settings.serviceKafkaProperties()) {
      kafka.add("--kafka-property");
      kafka.add(property);
    }
    Path logs = dir.resolve("logs");
    processes.put(Role.broker, new ServiceProcess(Role.broker, ServiceProcess.java("1g"),
        List.of("broker", "--dir", dir.resolve("broker").toString(), "--port", String.valueOf(brokerPort)),
        ServiceProcess.ENV, logs, () -> ServiceProcess.brokerAnswers(admin)));
    int ingestPort = ServiceProcess.freePort();
    processes.put(Role.ingest, new ServiceProcess(Role.ingest, ServiceProcess.java("512m"),
        concat(List.of("ingest", "--metrics-port", String.valueOf(ingestPort),
            "--state-dir", dir.resolve("state/ingest").toString(),
            "--window-length", String.valueOf(settings.windowLength()), "--hop", String.valueOf(settings.hop())),
            kafka),
        ServiceProcess.ENV, logs, () -> ServiceProcess.healthReady(ingestPort)));
    int scorerPort = ServiceProcess.freePort();
    processes.put(Role.scorer, new ServiceProcess(Role.scorer, ServiceProcess.java("1g"),
        concat(List.of("scorer", "--metrics-port", String.valueOf(scorerPort),
            "--state-dir", dir.resolve("state/scorer").toString(), "--torch-threads", "1",
            "--model-name", MODEL),
            kafka),
        ServiceProcess.ENV, logs, () -> ServiceProcess.healthReady(scorerPort)));
    int trainerPort = ServiceProcess.freePort();
    // A small model and frequent checkpoints: four JVMs share two cores, and versions should be many.
    processes.put(Role.trainer, new ServiceProcess(Role.trainer, ServiceProcess.java("1g"),
        concat(List.of("trainer", "--metrics-port", String.valueOf(trainerPort), "--torch-threads", "1",
            "--model-name", MODEL, "--channels", "16", "--blocks", "2", "--batch-size", "8",
            "--publish-every-steps", "2000", "--publish-every-seconds", "5", "--classifier-windows", "128",
            "--buffer-steps", "200000", "--seed", String.valueOf(settings.seed())),
            kafka),
        ServiceProcess.ENV, logs, () -> ServiceProcess.healthReady(trainerPort)));
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  /** Broker, then topics, then the three services, each ready before the run goes on. */
  private void startAll(Path dir, String bootstrap) throws Exception {
    ServiceProcess broker = processes.get(Role.broker);
    broker.start();
    if (broker.awaitReady(settings.readyTimeoutSeconds()) == null) {
      throw new IllegalStateException("the broker did not start; see " + broker.log(1));
    }
    Path log = dir.resolve("logs/topics.log");
    List<String> topics = new ArrayList<>(ServiceProcess.java("256m"));
    topics.addAll(List.of("io.foresight.cli.Main", "topics", "--bootstrap-servers", bootstrap));
    ProcessBuilder builder = new ProcessBuilder(topics).redirectErrorStream(true);
    builder.redirectOutput(log.toFile()).environment().putAll(ServiceProcess.ENV);
    Process process = builder.start();
    if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
      process.destroyForcibly();
      throw new IllegalStateException("topics failed; see " + log);
    }
    for (Role role : List.of(Role.trainer, Role.ingest, Role.scorer)) {
      processes.get(role).start();
    }
    for (ServiceProcess p : processes.values()) {
      if (p.awaitReady(settings.readyTimeoutSeconds()) == null) {
        throw new IllegalStateException(p + " did not become ready; see " + p.log(p.incarnation()));
      }
    }
  }

  private List<FaultReport.Kill> killOnSchedule(Thread producer) throws Exception {
    List<Role> schedule = schedule(settings.kills(), settings.seed());
    List<FaultReport.Kill> kills = new ArrayList<>();
    for (int k = 0; k < schedule.size(); k++) {
      long due = threshold(k);
      while (sent.get() < due && producer.isAlive()) {
        supervise();
        Thread.sleep(100);
      }
      awaitAllReady();
      ServiceProcess victim = processes.get(schedule.get(k));
      int incarnation = victim.incarnation();
      long at = sent.get();
      int exit = victim.kill();
      killsDone.incrementAndGet();
      Thread.sleep((long) (settings.pauseSeconds() * 1000));
      victim.start();
      Double restore = victim.awaitReady(settings.readyTimeoutSeconds());
      kills.add(new FaultReport.Kill(k + 1, victim.role(), incarnation, at, exit, restore));
      out.printf(Locale.ROOT, "kill %d/%d: %s#%d at step %,d (exit %d), ready again after %s%n", k + 1,
          schedule.size(), victim.role(), incarnation, at, exit,
          restore == null ? "-- (not ready in time)" : String.format(Locale.ROOT, "%.1f s", restore));
    }
    return kills;
  }

  /** The kills' order: the four processes, in an order shuffled by the seed, over and over. */
  static List<Role> schedule(int kills, long seed) {
    Random random = new Random(seed);
    List<Role> order = new ArrayList<>();
    while (order.size() < kills) {
      List<Role> cycle = new ArrayList<>(List.of(Role.values()));
      Collections.shuffle(cycle, random);
      order.addAll(cycle);
    }
    return List.copyOf(order.subList(0, kills));
  }

  /** Steps sent before kill {@code k} (from 0) is due. */
  private long threshold(int k) {
    return replay.totalSteps() * (k + 1) / (settings.kills() + 1);
  }

  /** Restarts any process that died without being killed, and says so in the report. */
  private void supervise() throws IOException {
    for (ServiceProcess p : processes.values()) {
      if (!p.alive()) {
        unplanned.add(p + " exited with " + p.exitValue() + " unasked; restarted");
        out.println("UNPLANNED: " + p + " exited with " + p.exitValue() + "; restarting it");
        p.start();
      }
    }
  }

  /**
   * Waits for every process to be ready; one that dies meanwhile or is not ready within the timeout
   * is recorded, killed and started again, once; a second failure ends the run.
   */
  private void awaitAllReady() throws Exception {
    for (ServiceProcess p : processes.values()) {
      for (int attempt = 0; p.awaitReady(settings.readyTimeoutSeconds()) == null; attempt++) {
        String what = p.alive()
            ? p + " not ready within " + settings.readyTimeoutSeconds() + " s"
            : p + " exited with " + p.exitValue();
        if (attempt > 0) {
          throw new IllegalStateException(what + " again; see " + p.log(p.incarnation()));
        }
        unplanned.add(what + "; restarted");
        out.println("UNPLANNED: " + what + "; restarting it");
        if (p.alive()) {
          p.kill();
        }
        p.start();
      }
    }
  }

  // ---- the replay ----

  private void produce(Map<String, Object> kafka) {
    KafkaProducer<String, byte[]> producer = producer(kafka);
    try {
      List<ProducerRecord<String, byte[]>> labels = new ArrayList<>();
      for (int e = 0; e < replay.entities(); e++) {
        if (replay.labelled(e)) {
          labels.add(new ProducerRecord<>(Topics.LABELS, replay.entity(e),
              TimestepRecords.label(replay.classOf(e))));
        }
      }
      producer = sendAll(producer, labels, kafka);
      double[] values = new double[settings.chunk()];
      for (int from = 0; from < replay.steps() && !stopping; from += settings.chunk()) {
        int n = Math.min(settings.chunk(), replay.steps() - from);
        // Not past the next kill's share of the replay before that kill has happened.
        while (killsDone.get() < settings.kills() && sent.get() >= threshold(killsDone.get()) && !stopping) {
          Thread.sleep(20);
        }
        long roundStart = System.nanoTime();
        List<ProducerRecord<String, byte[]>> round = new ArrayList<>(replay.entities());
        for (int e = 0; e < replay.entities(); e++) {
          for (int i = 0; i < n; i++) {
            values[i] = replay.value(e, from + i);
          }
          round.add(new ProducerRecord<>(Topics.TIMESTEPS, replay.entity(e),
              TimestepRecords.chunk(replay.ts(from), FaultReplay.INTERVAL_MS, values, n)));
        }
        producer = sendAll(producer, round, kafka);
        long steps = (long) replay.entities() * n;
        sent.addAndGet(steps);
        long due = roundStart + (long) (steps * 1e9 / settings.stepsPerSecond());
        long wait = due - System.nanoTime();
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait);
        }
      }
    } catch (Throwable t) {
      if (!stopping) {
        producerFailure.set(t);
      }
    } finally {
      producer.close(Duration.ofSeconds(5));
    }
  }

  /**
   * Sends the records and waits for every acknowledgement; when any fails, sends them all again on a
   * new producer. Returns the producer to go on with.
   */
  private KafkaProducer<String, byte[]> sendAll(
      KafkaProducer<String, byte[]> producer, List<ProducerRecord<String, byte[]>> records,
      Map<String, Object> kafka) {
    while (!stopping) {
      AtomicReference<Exception> failed = new AtomicReference<>();
      try {
        for (ProducerRecord<String, byte[]> record : records) {
          producer.send(record, (metadata, e) -> {
            if (e != null) {
              failed.compareAndSet(null, e);
            }
          });
        }
        producer.flush();
      } catch (RuntimeException e) {
        failed.compareAndSet(null, e);
      }
      if (failed.get() == null) {
        return producer;
      }
      out.println("a send failed (" + failed.get() + "); sending the round again");
      resentRounds.incrementAndGet();
      producer.close(Duration.ZERO);
      producer = producer(kafka);
    }
    return producer;
  }

  private static KafkaProducer<String, byte[]> producer(Map<String, Object> kafka) {
    Map<String, Object> config = new HashMap<>(kafka);
    // The broker is down for a while at every one of its kills: wait for it rather than fail.
    config.putAll(EmbeddedKafka.producerTimeouts());
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 120_000);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    return new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
  }

  // ---- the count ----

  /**
   * Reads windows, embeddings, classifications and the DLQ from the beginning (read_committed) until
   * every window and embedding is there and nothing has changed for a while, or the timeout; then to
   * the end offsets once more. Returns whether it settled.
   */
  private boolean settle(Map<String, Object> kafka, OutputAudit audit) throws Exception {
    Map<String, Object> config = new HashMap<>(kafka);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
    boolean settled = false;
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (String topic : List.of(Topics.WINDOWS, Topics.EMBEDDINGS, Topics.CLASSIFICATIONS, Topics.DLQ)) {
        consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.nanoTime() + (long) (settings.settleTimeoutSeconds() * 1e9);
      long lastRecords = -1;
      long quietSince = System.nanoTime();
      long nextProgress = System.nanoTime();
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
          audit.take(record);
        }
        supervise();
        long now = System.nanoTime();
        if (audit.records() != lastRecords) {
          lastRecords = audit.records();
          quietSince = now;
        }
        boolean complete = audit.distinctWindows() >= replay.expectedWindows()
            && audit.distinctEmbeddings() >= replay.expectedWindows();
        if (complete && now - quietSince >= QUIET_NANOS) {
          settled = true;
          break;
        }
        if (now >= nextProgress) {
          out.printf(Locale.ROOT, "  %,d of %,d windows, %,d embedded%n", audit.distinctWindows(),
              replay.expectedWindows(), audit.distinctEmbeddings());
          nextProgress = now + TimeUnit.SECONDS.toNanos(15);
        }
      }
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
          audit.take(record);
        }
      }
    }
    return settled;
  }

  /** Every checkpoint of the run's model on foresight.models, in offset order. */
  private static FaultReport.Models readModels(Map<String, Object> kafka, Map<Long, Boolean> classifierByVersion) {
    List<Long> versions = new ArrayList<>();
    long unreadable = 0;
    try (KafkaConsumer<String, byte[]> consumer = CheckpointTopic.consumerFromBeginning(kafka)) {
      Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
      while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
          if (!MODEL.equals(record.key()) || record.value() == null) {
            continue;
          }
          try {
            Checkpoint checkpoint = CheckpointCodec.decode(record.value());
            versions.add(checkpoint.modelVersion());
            classifierByVersion.put(checkpoint.modelVersion(), checkpoint.classifier() != null);
          } catch (CorruptCheckpointException e) {
            unreadable++;
          }
        }
      }
    }
    boolean rising = true;
    for (int i = 1; i < versions.size(); i++) {
      rising &= versions.get(i) > versions.get(i - 1);
    }
    Long first = versions.stream().filter(classifierByVersion::get).findFirst().orElse(null);
    long withClassifier = classifierByVersion.values().stream().filter(b -> b).count();
    return new FaultReport.Models(List.copyOf(versions), rising, first, withClassifier, unreadable);
  }

  /** What each trainer after the first resumed from, by its log, against what earlier ones published. */
  private List<FaultReport.TrainerStart> trainerStarts() throws IOException {
    ServiceProcess trainer = processes.get(Role.trainer);
    List<FaultReport.TrainerStart> starts = new ArrayList<>();
    long published = 0;
    for (int n = 1; n <= trainer.incarnation(); n++) {
      String log = Files.readString(trainer.log(n));
      if (n > 1) {
        Matcher resumed = RESUMED.matcher(log);
        Long version = resumed.find() ? Long.valueOf(resumed.group(1)) : null;
        if (version == null && !log.contains(FRESH)) {
          throw new IllegalStateException(trainer.log(n) + " says neither what it resumed nor that it started fresh");
        }
        starts.add(new FaultReport.TrainerStart(n, version, published));
      }
      for (Matcher m = PUBLISHED.matcher(log); m.find(); ) {
        published = Math.max(published, Long.parseLong(m.group(1)));
      }
    }
    return starts;
  }

  private static Map<Role, FaultReport.Restores> restores(List<FaultReport.Kill> kills) {
    Map<Role, FaultReport.Restores> out = new EnumMap<>(Role.class);
    for (Role role : Role.values()) {
      List<Double> times = new ArrayList<>();
      int n = 0;
      for (FaultReport.Kill kill : kills) {
        if (kill.role() == role) {
          n++;
          if (kill.restoreSeconds() != null) {
            times.add(kill.restoreSeconds());
          }
        }
      }
      out.put(role, new FaultReport.Restores(n, times.isEmpty() ? null : Medians.of(times),
          times.isEmpty() ? null : Collections.max(times)));
    }
    return out;
  }

  private List<String> failures(
      List<FaultReport.Kill> kills, boolean settled, FaultReport.Outputs o, FaultReport.Models models,
      List<FaultReport.TrainerStart> trainerStarts) {
    List<String> failures = new ArrayList<>();
    check(failures, o.windows().lost(), "windows lost");
    check(failures, o.windows().duplicated(), "windows duplicated");
    check(failures, o.windowsWrong(), "window records not of the replay (wrong key, times or values)");
    check(failures, o.embeddings().lost(), "windows never embedded");
    check(failures, o.embeddings().duplicated(), "embeddings duplicated");
    check(failures, o.embeddingsUnexpected(), "embeddings of no window");
    check(failures, o.classifications().lost(), "windows scored with a classifier but not classified");
    check(failures, o.classifications().duplicated(), "classifications duplicated");
    check(failures, o.classifications().unexpected(), "classifications without a matching embedding");
    check(failures, o.classifications().withoutClassifierAfterFirst(),
        "windows scored by a version without a classifier after classifications had begun");
    check(failures, o.versionRegressions(), "embeddings scored with an older version than an earlier one");
    check(failures, models.unreadable(), "unreadable records under the model name");
    if (!settled) {
      failures.add("the outputs did not settle within " + settings.settleTimeoutSeconds() + " s");
    }
    if (!models.rising()) {
      failures.add("model versions did not only rise: " + models.versions());
    }
    if (models.firstWithClassifier() == null) {
      failures.add("no checkpoint carried a classifier, so classifications were not exercised");
    }
    for (FaultReport.TrainerStart start : trainerStarts) {
      if (start.resumedVersion() == null && start.publishedBefore() > 0) {
        failures.add("trainer#" + start.incarnation() + " started a fresh model after version "
            + start.publishedBefore() + " was published");
      } else if (start.resumedVersion() != null && start.resumedVersion() < start.publishedBefore()) {
        failures.add("trainer#" + start.incarnation() + " resumed version " + start.resumedVersion()
            + ", behind the published " + start.publishedBefore());
      }
    }
    Set<Role> killed = new HashSet<>();
    for (FaultReport.Kill kill : kills) {
      killed.add(kill.role());
      if (kill.exitValue() != ServiceProcess.SIGKILL_EXIT) {
        failures.add("kill " + kill.index() + " (" + kill.role() + ") exited with " + kill.exitValue()
            + ", not SIGKILL's " + ServiceProcess.SIGKILL_EXIT);
      }
      if (kill.restoreSeconds() == null) {
        failures.add("kill " + kill.index() + ": " + kill.role() + " was not ready within "
            + settings.readyTimeoutSeconds() + " s of its restart");
      }
    }
    if (kills.size() != settings.kills()) {
      failures.add(kills.size() + " kills happened of " + settings.kills());
    }
    for (String u : unplanned) {
      failures.add("unplanned restart: " + u);
    }
    return failures;
  }

  private static void check(List<String> failures, long count, String what) {
    if (count != 0) {
      failures.add(count + " " + what);
    }
  }

  private void stopAll() throws InterruptedException {
    for (Role role : List.of(Role.scorer, Role.ingest, Role.trainer, Role.broker)) {
      ServiceProcess p = processes.get(role);
      if (p != null) {
        p.stop(30);
      }
    }
  }
}
