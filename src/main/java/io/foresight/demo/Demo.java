package io.foresight.demo;

import io.foresight.data.StreamProducer;
import io.foresight.data.TimestepSource;
import io.foresight.ingest.WindowSpec;
import io.foresight.ingest.IngestService;
import io.foresight.model.Tokenizer;
import io.foresight.ops.EmbeddedKafka;
import io.foresight.ops.MetricsServer;
import io.foresight.ops.OutputMonitor;
import io.foresight.score.ScorerService;
import io.foresight.score.ScoringTopology;
import io.foresight.train.TrainerService;
import io.foresight.classify.FittedClassifier;
import io.foresight.wire.Checkpoint;
import io.foresight.wire.CheckpointTopic;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.search.Search;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Runs broker, topics, producer, ingest, trainer and scorer in one JVM for a while, printing progress,
 * then drains (every window emitted gets scored before the services stop) and reports.
 */
public final class Demo {

  /**
   * @param sourceName what is streamed, for the report
   * @param heldOut true label of each held-out entity
   * @param seriesOf maps an entity to the series it replays (passes of one series count once)
   * @param drainTimeout how long to wait, after producing stops, for every window to be scored
   * @param seed published to {@code foresight.models} before anything starts, so the scorer serves
   *     from the first window and the trainer resumes from it; null to start from nothing
   * @param runTrainer false serves the seed alone (benchmarks of the serving path)
   * @param warmUp latencies of the first this-long are forgotten (start-up and JIT, not the system)
   */
  public record Config(
      String sourceName,
      TimestepSource source,
      Map<String, String> heldOut,
      Function<String, String> seriesOf,
      Tokenizer tokenizer,
      WindowSpec windows,
      TrainerService.Options trainer,
      ScoringTopology.Options scorer,
      StreamProducer.Options producer,
      Duration duration,
      Duration progressEvery,
      Duration drainTimeout,
      int metricsPort,
      Path stateDir,
      Checkpoint seed,
      boolean runTrainer,
      Duration warmUp) {

    /** The demo as users run it: no seed, a live trainer, every latency counted. */
    public Config(
        String sourceName,
        TimestepSource source,
        Map<String, String> heldOut,
        Function<String, String> seriesOf,
        Tokenizer tokenizer,
        WindowSpec windows,
        TrainerService.Options trainer,
        ScoringTopology.Options scorer,
        StreamProducer.Options producer,
        Duration duration,
        Duration progressEvery,
        Duration drainTimeout,
        int metricsPort,
        Path stateDir) {
      this(sourceName, source, heldOut, seriesOf, tokenizer, windows, trainer, scorer, producer, duration,
          progressEvery, drainTimeout, metricsPort, stateDir, null, true, Duration.ZERO);
    }

    public Config withSeed(Checkpoint seed, boolean runTrainer, Duration warmUp) {
      return new Config(sourceName, source, heldOut, seriesOf, tokenizer, windows, trainer, scorer, producer,
          duration, progressEvery, drainTimeout, metricsPort, stateDir, seed, runTrainer, warmUp);
    }
  }

  private final Config config;
  private final PrintStream out;
  private final CountDownLatch stopRequested = new CountDownLatch(1);

  public Demo(Config config, PrintStream out) {
    this.config = config;
    this.out = out;
  }

  /** Ends the run early (Ctrl-C): producing stops, outputs drain, the report is still written. */
  public void requestStop() {
    stopRequested.countDown();
  }

  public DemoReport run() throws Exception {
    Files.createDirectories(config.stateDir());
    try (EmbeddedKafka broker = EmbeddedKafka.startWithTopics(config.stateDir().resolve("kafka"), 0);
        MetricsServer metrics = MetricsServer.start(config.metricsPort(), "demo")) {
      Map<String, Object> kafka = Map.of("bootstrap.servers", broker.bootstrapServers());
      out.println("Kafka broker at " + broker.bootstrapServers() + "; metrics on http://localhost:" + metrics.port() + "/metrics");
      return runServices(kafka, metrics);
    }
  }

  private DemoReport runServices(Map<String, Object> kafka, MetricsServer metrics) throws Exception {
    var registry = metrics.registry();
    List<AutoCloseable> toClose = new ArrayList<>();
    try {
      IngestService ingest =
          new IngestService(
              kafka, "foresight-ingest", config.stateDir().resolve("ingest"), 1, config.windows(),
              config.tokenizer(), registry);
      metrics.bind(ingest.streams());
      toClose.add(ingest);
      ingest.start();

      if (config.seed() != null) {
        CheckpointTopic.publish(kafka, config.trainer().modelName(), config.seed());
      }
      TrainerService trainer = new TrainerService(kafka, config.trainer(), registry);
      if (config.runTrainer()) {
        toClose.add(trainer);
        trainer.start();
        metrics.addReadinessCheck("trainer", trainer::ready);
        metrics.addLivenessCheck("trainer", trainer::alive);
      }

      ScorerService scorer =
          new ScorerService(
              kafka, "foresight-scorer", config.stateDir().resolve("scorer"), 1,
              config.trainer().modelName(), config.scorer(), registry);
      metrics.bind(scorer.streams());
      toClose.add(scorer);
      scorer.start();
      metrics.addReadinessCheck("ingest", ingest::ready);
      metrics.addLivenessCheck("ingest", ingest::alive);
      metrics.addReadinessCheck("scorer", scorer::ready);
      metrics.addLivenessCheck("scorer", scorer::alive);

      OutputMonitor monitor = new OutputMonitor(kafka, config.heldOut(), config.seriesOf());
      Thread monitorThread = new Thread(monitor, "foresight-monitor");
      toClose.add(() -> {
        monitor.close();
        monitorThread.join(10_000);
      });
      monitorThread.start();

      Map<String, Object> producerConfig = new HashMap<>(kafka);
      producerConfig.putAll(EmbeddedKafka.producerTimeouts());
      producerConfig.put(ProducerConfig.LINGER_MS_CONFIG, 5);
      KafkaProducer<String, byte[]> kafkaProducer =
          new KafkaProducer<>(producerConfig, new StringSerializer(), new ByteArraySerializer());
      toClose.add(kafkaProducer);
      StreamProducer producer = new StreamProducer(kafkaProducer, config.source(), config.producer());
      Thread producerThread = new Thread(producer, "foresight-producer");
      toClose.add(() -> {
        producer.stop();
        producerThread.join(10_000);
      });

      long start = System.nanoTime();
      producerThread.start();
      long deadline = start + config.duration().toNanos();
      long warmUpEnds = start + config.warmUp().toNanos();
      boolean warm = config.warmUp().isZero();
      while (System.nanoTime() < deadline && producerThread.isAlive()) {
        long wait = Math.min(config.progressEvery().toNanos(), deadline - System.nanoTime());
        if (stopRequested.await(Math.max(1, wait), java.util.concurrent.TimeUnit.NANOSECONDS)) {
          break;
        }
        if (!warm && System.nanoTime() >= warmUpEnds) {
          monitor.resetLatencies();
          warm = true;
          out.println("warm-up over: latencies from here on");
        }
        progress(start, producer, trainer, scorer, monitor);
      }
      producer.stop();
      producerThread.join(10_000);
      if (producer.firstError() != null) {
        out.println("PRODUCING FAILED: " + producer.sendErrors() + " sends failed; first error: "
            + producer.firstError());
      }
      out.println("producing stopped; waiting for every window to be scored...");
      drain(monitor);
      double seconds = (System.nanoTime() - start) / 1e9;
      progress(start, producer, trainer, scorer, monitor);
      OutputMonitor.Snapshot s = monitor.snapshot();
      return new DemoReport(
          config.sourceName(),
          seconds,
          producer.timesteps(),
          s.windows(),
          trainer.steps(),
          trainer.publishedVersion(),
          List.copyOf(new java.util.TreeSet<>(s.modelVersionsServed())),
          (long) registry.counter("foresight.scorer.swaps").count(),
          (long) Search.in(registry).name("foresight.scorer.checkpoints.rejected").counters().stream()
              .mapToDouble(Counter::count).sum(),
          s.classifications(),
          s.embeddings(),
          s.dlq(),
          s.dlqByReason(),
          s.accuracyLatest(),
          s.accuracy(),
          s.heldOutClassified(),
          new DemoReport.Latency(s.latencyP50Ms(), s.latencyP99Ms()),
          new DemoReport.Latency(s.windowLatencyP50Ms(), s.windowLatencyP99Ms()),
          s.unscored(),
          s.duplicateOutputs(),
          s.unclassifiedAfterFirstClassifier(),
          classifier(trainer.classifierQuality()),
          pretextLoss(trainer.lossAroundLabels()),
          new DemoReport.FirstClassification(
              seconds(s.firstClassificationAfterLabelsMs()), seconds(s.firstClassificationAfterFirstWindowMs())),
          null);
    } finally {
      for (int i = toClose.size() - 1; i >= 0; i--) {
        try {
          toClose.get(i).close();
        } catch (Exception e) {
          out.println("closing failed: " + e);
        }
      }
    }
  }

  private static Double seconds(Long millis) {
    return millis == null ? null : millis / 1000.0;
  }

  private static DemoReport.Classifier classifier(FittedClassifier.Quality q) {
    return q == null
        ? null
        : new DemoReport.Classifier(
            q.crossValidatedAccuracy(), q.crossValidation(), q.labelledWindows(), q.labelledEntities(),
            q.embeddingShare());
  }

  private static DemoReport.PretextLoss pretextLoss(TrainerService.LossAroundLabels loss) {
    return Double.isNaN(loss.atFirstClassifier())
        ? null
        : new DemoReport.PretextLoss(
            loss.atFirstClassifier(), loss.highestSince(), loss.highestSince() / loss.atFirstClassifier());
  }

  /** Waits until the scored windows catch up with the emitted ones and stay caught up. */
  private void drain(OutputMonitor monitor) throws InterruptedException {
    long deadline = System.nanoTime() + config.drainTimeout().toNanos();
    int settled = 0;
    long lastWindows = -1;
    while (System.nanoTime() < deadline && settled < 5) {
      Thread.sleep(200);
      OutputMonitor.Snapshot s = monitor.snapshot();
      boolean caughtUp = s.unscored() == 0 && s.windows() == lastWindows;
      settled = caughtUp ? settled + 1 : 0;
      lastWindows = s.windows();
    }
  }

  /** The last fitted classifier in a few words: cross-validated accuracy, on how many windows and entities. */
  private static String describe(FittedClassifier.Quality q) {
    return q == null
        ? "-"
        : String.format(
            Locale.ROOT, "cv %.3f on %d windows/%d entities", q.crossValidatedAccuracy(), q.labelledWindows(),
            q.labelledEntities());
  }

  private void progress(
      long start, StreamProducer producer, TrainerService trainer, ScorerService scorer, OutputMonitor monitor) {
    double seconds = (System.nanoTime() - start) / 1e9;
    OutputMonitor.Snapshot s = monitor.snapshot();
    out.printf(
        Locale.ROOT,
        "%5.0f s | %,7.0f steps/s | windows %,d | trainer step %,d loss %.3f | classifier %s"
            + " | model v%d (serving v%d) | classified %,d | accuracy %s | p99 %s | dlq %d%n",
        seconds,
        producer.timesteps() / Math.max(seconds, 1e-9),
        s.windows(),
        trainer.steps(),
        trainer.lastPretextLoss(),
        describe(trainer.classifierQuality()),
        trainer.publishedVersion(),
        scorer.models().version(),
        s.classifications(),
        s.accuracyLatest() == null ? "-" : String.format(Locale.ROOT, "%.3f", s.accuracyLatest()),
        Double.isNaN(s.latencyP99Ms()) ? "-" : String.format(Locale.ROOT, "%.0f ms", s.latencyP99Ms()),
        s.dlq());
  }
}
