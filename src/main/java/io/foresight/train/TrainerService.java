package io.foresight.train;

import io.foresight.classify.FittedClassifier;
import io.foresight.learn.ContinuousTrainer;
import io.foresight.model.ForesightNet;
import io.foresight.model.ModelConfig;
import io.foresight.model.Tokenizer;
import io.foresight.ops.ThreadPriority;
import io.foresight.wire.Checkpoint;
import io.foresight.wire.CheckpointTopic;
import io.foresight.train.TrainerMetrics.Rejection;
import io.foresight.wire.DeadLetters;
import io.foresight.wire.Json;
import io.foresight.wire.Label;
import io.foresight.wire.Topics;
import io.foresight.wire.Window;
import io.foresight.wire.WindowCodec;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code trainer} service, on a thread of its own: reads {@code foresight.windows} and {@code
 * foresight.labels}, trains the encoder with the self-supervised objective between polls
 * ({@link ContinuousTrainer}), fits the live classifier on frozen features of the labelled windows
 * ({@link LiveClassifier}), and publishes checkpoints to {@code foresight.models}, versions rising by
 * one from the latest already there.
 *
 * <p>When it publishes: a fresh model at once, before any training, so the scorer serves embeddings and
 * surprise from the first window instead of letting windows queue for a first model; then every N steps
 * or T seconds; and sooner after the labels change (a label added or retracted, a labelled entity's
 * first window): {@link #REFIT_AFTER_LABEL_CHANGE} after the last publication, or, once the
 * classifier covers every labelled class, {@value #REFIT_COST_MULTIPLE} times as long as the last fit
 * took if that is longer, so classifications start within seconds of the first labels of two classes
 * while refits for labels that keep coming take at most about a fifth of the trainer's time. The classifier is refitted before every publication, on the net
 * being published, and a checkpoint carries one only when it was fitted on labelled windows of two
 * classes or more.
 *
 * <p>Labels: a record keyed by entity sets its label; a tombstone (null value) retracts the entity's
 * labels; a label for an entity not seen yet applies to its windows when they come. Labels naming a
 * class beyond {@code maxClasses} go to the DLQ (too-many-classes), as do malformed ones.
 *
 * <p>It keeps no Kafka offsets: on start it resumes the latest published checkpoint of its model name
 * (and that checkpoint's MiniRocket), reads every label from the beginning (labels are few and the topic
 * keeps them), and refills the replay buffer from the windows of the last {@code lookback}. A restart
 * loses at most the steps since the last publication. Meters: {@link TrainerMetrics}.
 *
 * <p>Threads: the training thread runs at niceness {@value #TRAINER_NICENESS}, so that ingest and the
 * scorer on a shared host go first (in the demo, on two cores, a trainer of equal priority left the
 * scorer a minute behind); fitting and publishing run on a second thread at the normal priority, from a
 * snapshot of the weights, so a busy host delays training but not the classifier. On a host of its own
 * the trainer loses nothing by it.
 */
public final class TrainerService implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(TrainerService.class);

  /** How soon after the last publication a change of labels has the classifier refitted and published. */
  static final Duration REFIT_AFTER_LABEL_CHANGE = Duration.ofSeconds(2);

  /** Nor sooner than this many times the last fit's duration (refits take at most a fifth). */
  static final int REFIT_COST_MULTIPLE = 4;

  /**
   * After resuming a checkpoint with a classifier, how long the trainer holds back publications that
   * would have none (its labels and labelled windows not yet read back from the topics): a
   * version without a classifier would leave windows unclassified (6 % of them across the fault
   * suite's trainer restarts). Bounded, so a class whose windows never return cannot stop publishing.
   */
  static final Duration HOLD_UNCLASSIFIED_AFTER_RESUME = Duration.ofMinutes(5);

  /** Failed loop iterations in a row after which the trainer gives up (and liveness fails). */
  static final int MAX_CONSECUTIVE_FAILURES = 10;

  /** Pause after a failed loop iteration. */
  static final Duration FAILURE_PAUSE = Duration.ofSeconds(1);

  /** Niceness of the training thread: what shares its host and serves goes first. */
  static final int TRAINER_NICENESS = 10;

  /** Weight of the newest step in the smoothed pretext loss (about the last 20 steps). */
  private static final double LOSS_SMOOTHING = 0.05;

  /**
   * @param maxClasses distinct classes accepted at most; labels of more go to the DLQ
   * @param maxLabelledEntities entities with labels at most; labels of more go to the DLQ
   * @param labelledSteps steps of labelled windows kept at most, newest first
   * @param fitWindows labelled windows one fit uses at most, shared out between classes and entities
   */
  public record ClassifierSettings(
      int maxClasses, int maxLabelledEntities, long labelledSteps, int fitWindows) {

    /** 256 classes, 100 000 labelled entities, 5 000 000 labelled steps (20 MiB), 512 windows a fit. */
    public static ClassifierSettings defaults() {
      return new ClassifierSettings(256, 100_000, 5_000_000, 512);
    }
  }

  /**
   * @param modelName key of the checkpoints on {@code foresight.models}
   * @param config architecture of a fresh model (ignored when resuming)
   * @param tokenizer tokeniser of a fresh model (ignored when resuming)
   * @param publishEverySteps publish after this many steps...
   * @param publishEvery ...or after this long, whichever comes first (and only after a step)
   * @param lookback windows this old or newer refill the buffer on start
   */
  public record Options(
      String modelName,
      ModelConfig config,
      Tokenizer tokenizer,
      ContinuousTrainer.Settings training,
      ClassifierSettings classifier,
      int publishEverySteps,
      Duration publishEvery,
      Duration lookback) {}

  /** The smoothed pretext loss when the first classifier was fitted, and the highest since. */
  public record LossAroundLabels(double atFirstClassifier, double highestSince) {}

  private final Map<String, Object> kafka;
  private final Options options;
  private final TrainerMetrics metrics;
  private final Thread thread;
  private volatile boolean running = true;
  private volatile boolean ready;
  private volatile boolean ended;
  /** Until when publications without a classifier are held back (set on resuming one with a classifier). */
  private volatile long holdUnclassifiedUntilNanos = Long.MIN_VALUE;
  /** Set when another writer fenced this one; the loop then ends. */
  private volatile boolean fenced;
  /** Set when the trainer may publish no more (fenced, or no version left); the loop then ends. */
  private volatile boolean halted;
  /** Every checkpoint goes through it: transactional, so that a newer writer of the model fences it. */
  private volatile CheckpointTopic.Writer writer;
  private volatile long steps;
  private volatile double smoothedLoss = Double.NaN;
  private volatile double lossAtFirstClassifier = Double.NaN;
  private volatile double highestLossSince = Double.NaN;
  private volatile long lastFitNanos;
  private volatile int lastClassCount;
  /** Fits and publishes at the normal priority, while the training thread runs niced. */
  private final ThreadPoolExecutor publisher =
      new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
          r -> new Thread(r, "foresight-trainer-publisher"));
  private final AtomicBoolean publishing = new AtomicBoolean();

  public TrainerService(Map<String, Object> kafka, Options options, MeterRegistry registry) {
    this.kafka = Map.copyOf(kafka);
    this.options = options;
    this.metrics = new TrainerMetrics(registry);
    this.thread = new Thread(this::run, "foresight-trainer");
  }

  /** Starts the training loop on its own thread. */
  public void start() {
    publisher.prestartCoreThread(); // started from here, so it does not inherit the trainer's niceness
    thread.start();
  }

  private void run() {
    try (KafkaConsumer<String, byte[]> consumer = consumer();
        KafkaProducer<byte[], byte[]> producer = deadLetterProducer();
        CheckpointTopic.Writer checkpoints = CheckpointTopic.writer(kafka, options.modelName())) {
      // After the producers exist, so that their network threads keep the normal priority.
      ThreadPriority.lowerCurrentThread(TRAINER_NICENESS);
      writer = checkpoints; // created first: it fences other writers, so no version appears after the scan
      CheckpointTopic.Latest found = CheckpointTopic.scan(kafka, options.modelName());
      Checkpoint latest = found.checkpoint();
      if (latest != null && !found.isLast()) {
        republish(latest);
      }
      if (halted) {
        return; // fenced already
      }
      if (latest != null && latest.classifier() != null) {
        holdUnclassifiedUntilNanos = System.nanoTime() + HOLD_UNCLASSIFIED_AFTER_RESUME.toNanos();
      }
      try (ContinuousTrainer trainer = start(latest)) {
        LabelledWindows labelled =
            new LabelledWindows(
                options.classifier().maxClasses(), options.classifier().maxLabelledEntities(),
                options.classifier().labelledSteps(), LabelledWindows.RECENT_STEPS);
        LiveClassifier live =
            new LiveClassifier(latest == null ? null : latest.classifier());
        assignAndRewind(consumer);
        if (latest == null) {
          // Embeddings and surprise from the first window on.
          publish(trainer.checkpoint(0, Map.of()), null, trainer.steps());
        }
        ready = true;
        loop(consumer, producer, trainer, labelled, live);
      }
    } catch (org.apache.kafka.common.errors.InterruptException e) {
      LOG.info("trainer interrupted; stopping");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      LOG.info("trainer interrupted; stopping");
    } catch (RuntimeException | Error e) {
      LOG.error("the trainer stopped: {}", e.toString(), e);
    } finally {
      ready = false;
      ended = true;
    }
  }

  /**
   * True until the training loop has ended without being closed: it could not start (the latest
   * checkpoint does not load), it failed {@value #MAX_CONSECUTIVE_FAILURES} times in a row, or another
   * writer fenced it ({@link #fenced()}). Then
   * {@code /health/live} fails and the orchestrator restarts the trainer.
   */
  public boolean alive() {
    return !halted && (!ended || !running);
  }

  /**
   * The training loop. An iteration that fails (a training step, the broker away) is logged, counted
   * and retried after a pause; {@value #MAX_CONSECUTIVE_FAILURES} failures in a row end the loop, so
   * that liveness fails rather than the trainer spinning on a fault that does not pass.
   */
  private void loop(
      KafkaConsumer<String, byte[]> consumer, KafkaProducer<byte[], byte[]> deadLetterProducer,
      ContinuousTrainer trainer, LabelledWindows labelled, LiveClassifier live) throws InterruptedException {
    lastPublishNanos = System.nanoTime();
    stepsAtPublish = trainer.steps();
    changesAtFit = labelled.changes();
    int failures = 0;
    while (running) {
      try {
        iterate(consumer, deadLetterProducer, trainer, labelled, live);
        failures = 0;
      } catch (org.apache.kafka.common.errors.InterruptException e) {
        throw e;
      } catch (RuntimeException e) {
        metrics.errors.increment();
        if (++failures >= MAX_CONSECUTIVE_FAILURES) {
          throw new IllegalStateException(failures + " trainer iterations failed in a row", e);
        }
        LOG.warn("a trainer iteration failed ({} in a row); retrying in {} ms: {}",
            failures, FAILURE_PAUSE.toMillis(), e.toString(), e);
        Thread.sleep(FAILURE_PAUSE.toMillis());
      }
    }
  }

  /** When the last publication started, the steps then, and the label changes it was fitted on. */
  private long lastPublishNanos;
  private long stepsAtPublish;
  private long changesAtFit;

  private void iterate(
      KafkaConsumer<String, byte[]> consumer, KafkaProducer<byte[], byte[]> deadLetterProducer,
      ContinuousTrainer trainer, LabelledWindows labelled, LiveClassifier live) {
    var records = consumer.poll(trainer.canStep() ? Duration.ZERO : Duration.ofMillis(200));
    for (ConsumerRecord<String, byte[]> record : records) {
      take(trainer, labelled, record, deadLetterProducer);
    }
    metrics.bufferWindows = trainer.buffer().windows();
    metrics.labelledWindows = labelled.windows();
    long sincePublish = System.nanoTime() - lastPublishNanos;
    long stepsSince = trainer.steps() - stepsAtPublish;
    boolean due =
        stepsSince >= options.publishEverySteps()
            || (stepsSince > 0 && sincePublish >= options.publishEvery().toNanos());
    // While the classifier lacks a labelled class (its windows had not come yet), refit promptly.
    boolean missingClass = lastClassCount < labelled.classes();
    long refitAfter =
        missingClass
            ? REFIT_AFTER_LABEL_CHANGE.toNanos()
            : Math.max(REFIT_AFTER_LABEL_CHANGE.toNanos(), REFIT_COST_MULTIPLE * lastFitNanos);
    boolean labelsChanged = labelled.changes() != changesAtFit && sincePublish >= refitAfter;
    if ((due || labelsChanged) && !publishing.get()) {
      changesAtFit = labelled.changes();
      List<LabelledWindows.Example> examples = labelled.fitSet(options.classifier().fitWindows());
      if (stepsSince > 0 || examples.stream().map(LabelledWindows.Example::label).distinct().count() > 1) {
        Checkpoint snapshot = trainer.checkpoint(0, Map.of());
        long stepsNow = trainer.steps();
        publishing.set(true);
        // A resumed classifier keeps serving until labelled windows of two classes are back (the labels
        // themselves may not be read back yet either: windows of the lookback fill the first polls).
        boolean holdUnclassified = System.nanoTime() < holdUnclassifiedUntilNanos;
        publisher.execute(() -> fitAndPublish(live, snapshot, examples, stepsNow, holdUnclassified));
        lastPublishNanos = System.nanoTime();
        stepsAtPublish = trainer.steps();
      }
    }
    if (trainer.canStep()) {
      step(trainer);
    }
  }

  private void step(ContinuousTrainer trainer) {
    long rollbacksBefore = trainer.rollbacks();
    ContinuousTrainer.StepResult result = trainer.step();
    if (trainer.rollbacks() > rollbacksBefore) {
      metrics.rollbacks.increment();
      LOG.warn("the weights diverged (loss {}); rolled back to the last good ones", result.pretextLoss());
    }
    metrics.steps.increment();
    metrics.windows.increment(result.windows());
    metrics.pretextLoss = result.pretextLoss();
    steps = trainer.steps();
    if (Float.isFinite(result.pretextLoss())) {
      smoothedLoss =
          Double.isNaN(smoothedLoss)
              ? result.pretextLoss()
              : (1 - LOSS_SMOOTHING) * smoothedLoss + LOSS_SMOOTHING * result.pretextLoss();
      if (!Double.isNaN(lossAtFirstClassifier)) {
        highestLossSince = Math.max(highestLossSince, smoothedLoss);
      }
    }
  }

  /**
   * On the publisher thread: the classifier fitted on {@code examples} and the frozen features of the
   * net in {@code snapshot}, then the snapshot published with it. The training thread keeps training
   * meanwhile; only one publication is under way at a time.
   */
  private void fitAndPublish(
      LiveClassifier live, Checkpoint snapshot, List<LabelledWindows.Example> examples, long stepsAt,
      boolean holdUnclassified) {
    try {
      FittedClassifier classifier = fit(live, snapshot, examples);
      if (classifier == null && holdUnclassified) {
        LOG.info("not publishing yet: the resumed version serves a classifier, and labelled windows of two"
            + " classes have not been read back yet");
        return;
      }
      publish(snapshot, classifier, stepsAt); // checkpoints go through the fenced writer
      if (classifier != null) {
        holdUnclassifiedUntilNanos = Long.MIN_VALUE; // refitted: from now on labels decide, as usual
      }
    } catch (RuntimeException e) {
      LOG.error("publishing failed; the next publication tries again: {}", e.toString(), e);
    } finally {
      publishing.set(false);
    }
  }

  /** The classifier on the labelled windows and the snapshot's net, or null when there is none. */
  private FittedClassifier fit(
      LiveClassifier live, Checkpoint snapshot, List<LabelledWindows.Example> examples) {
    long start = System.nanoTime();
    FittedClassifier classifier;
    try (ForesightNet net = snapshot.toNet()) {
      classifier = live.fit(examples, net, w -> ContinuousTrainer.tokensOf(net.tokenizer(), w));
    } catch (ai.djl.MalformedModelException | RuntimeException e) {
      LOG.warn("fitting the classifier failed; publishing without one: {}", e.toString(), e);
      return null;
    }
    lastClassCount = classifier == null ? 0 : classifier.classes().size();
    if (classifier == null) {
      return null;
    }
    lastFitNanos = System.nanoTime() - start;
    metrics.fitDuration.record(lastFitNanos, TimeUnit.NANOSECONDS);
    metrics.fits.increment();
    metrics.fitted(classifier);
    if (Double.isNaN(lossAtFirstClassifier)) {
      lossAtFirstClassifier = smoothedLoss;
      highestLossSince = smoothedLoss;
    }
    return classifier;
  }

  /** Resumes the latest published checkpoint of this model, or starts a fresh model. */
  private ContinuousTrainer start(Checkpoint latest) {
    if (latest == null) {
      LOG.info("no checkpoint of model '{}' on {}: starting a fresh model", options.modelName(), Topics.MODELS);
      return ContinuousTrainer.fresh(options.config(), options.tokenizer(), options.training());
    }
    try {
      metrics.version = latest.modelVersion();
      LOG.info("resuming model '{}' version {}", options.modelName(), latest.modelVersion());
      return ContinuousTrainer.resume(latest, options.training());
    } catch (ai.djl.MalformedModelException e) {
      throw new IllegalStateException(
          "the latest checkpoint of '" + options.modelName() + "' does not load: " + e.getMessage(), e);
    }
  }

  private void assignAndRewind(KafkaConsumer<String, byte[]> consumer) {
    List<TopicPartition> windowPartitions = partitions(consumer, Topics.WINDOWS);
    List<TopicPartition> labelPartitions = partitions(consumer, Topics.LABELS);
    List<TopicPartition> all = new ArrayList<>(windowPartitions);
    all.addAll(labelPartitions);
    consumer.assign(all);
    consumer.seekToBeginning(labelPartitions);
    long since = System.currentTimeMillis() - options.lookback().toMillis();
    Map<TopicPartition, Long> query = new HashMap<>();
    windowPartitions.forEach(p -> query.put(p, since));
    Map<TopicPartition, OffsetAndTimestamp> offsets = consumer.offsetsForTimes(query);
    for (TopicPartition partition : windowPartitions) {
      OffsetAndTimestamp at = offsets.get(partition);
      if (at == null) {
        consumer.seekToEnd(List.of(partition));
      } else {
        consumer.seek(partition, at.offset());
      }
    }
  }

  private static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, String topic) {
    return consumer.partitionsFor(topic).stream()
        .map(p -> new TopicPartition(topic, p.partition()))
        .toList();
  }

  private void take(
      ContinuousTrainer trainer, LabelledWindows labelled, ConsumerRecord<String, byte[]> record,
      KafkaProducer<byte[], byte[]> producer) {
    if (record.topic().equals(Topics.WINDOWS)) {
      Window window;
      try {
        window = WindowCodec.decode(record.value());
      } catch (RuntimeException e) {
        deadLetter(producer, record, Rejection.MALFORMED_WINDOW, String.valueOf(e.getMessage()));
        return;
      }
      if (!trainer.addWindow(window)) {
        deadLetter(producer, record, Rejection.UNTOKENISABLE_WINDOW,
            "a value lies outside the model's tokeniser, or the window is shorter than two steps");
        return;
      }
      labelled.addWindow(window);
      return;
    }
    if (record.key() == null) {
      deadLetter(producer, record, Rejection.MALFORMED_LABEL, "a label needs its entity as the record key");
      return;
    }
    if (record.value() == null) {
      if (labelled.retract(record.key())) {
        metrics.labelsRetracted.increment();
      }
      return;
    }
    Label label;
    try {
      label = Json.read(record.value(), Label.class);
    } catch (java.io.IOException | RuntimeException e) {
      deadLetter(producer, record, Rejection.MALFORMED_LABEL, "not a label JSON object: " + e.getMessage());
      return;
    }
    if (label == null || label.label() == null || label.label().isBlank()) {
      deadLetter(producer, record, Rejection.MALFORMED_LABEL, "a label needs a non-blank \"label\" string");
      return;
    }
    Rejection refused = labelled.addLabel(record.key(), label);
    if (refused == Rejection.TOO_MANY_CLASSES) {
      deadLetter(producer, record, refused,
          "class '" + label.label() + "' would exceed the " + labelled.maxClasses()
              + " classes allowed (--max-classes); retract labels of a class to make room");
      return;
    }
    if (refused != null) {
      deadLetter(producer, record, refused,
          "entity '" + record.key() + "' would exceed the " + labelled.maxLabelledEntities()
              + " labelled entities allowed (--max-labelled-entities); retract labels to make room");
      return;
    }
    metrics.labelsAdded.increment();
  }

  private void deadLetter(
      KafkaProducer<byte[], byte[]> producer, ConsumerRecord<String, byte[]> record, Rejection reason,
      String error) {
    var headers = metrics.deadLetters.headers(
        reason, error, record.headers(), record.topic(), record.partition(), record.offset());
    byte[] key = record.key() == null ? null : record.key().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    DeadLetters.Fitted letter = DeadLetters.cutToFit(key, record.value(), headers, maxRequestBytes());
    producer.send(
        new ProducerRecord<>(Topics.DLQ, null, record.timestamp(), letter.key(), letter.value(), headers),
        (metadata, e) -> {
          if (e != null) { // not silent: the rejection is counted, and its loss said here
            LOG.error("could not send a dead letter ({}) of {}-{}@{}: {}", reason.code(), record.topic(),
                record.partition(), record.offset(), e.toString());
          }
        });
  }

  /**
   * Publishes the latest checkpoint again, unchanged: the last record under the model name is another
   * (a corrupt or older checkpoint, a tombstone), and compaction keeps only the last record.
   */
  private void republish(Checkpoint latest) {
    LOG.warn(
        "the last record of model '{}' on {} is not its latest checkpoint, version {}: publishing that"
            + " version again, or compaction would leave only the record after it",
        options.modelName(), Topics.MODELS, latest.modelVersion());
    try {
      writer.publish(latest);
    } catch (CheckpointTopic.FencedException e) {
      fenced(e, latest.modelVersion());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new org.apache.kafka.common.errors.InterruptException(e);
    } catch (ExecutionException e) {
      LOG.warn("publishing version {} again failed; the next start tries again: {}",
          latest.modelVersion(), e.getCause().toString());
    }
  }

  /** Another writer took over the model's checkpoints: this trainer stops, publishing nothing more. */
  private void fenced(CheckpointTopic.FencedException e, long version) {
    fenced = true;
    halt();
    LOG.error(
        "model '{}' has another writer now (a second trainer, or publish-model): this trainer stops"
            + " without publishing version {}; restart it to resume from the latest checkpoint ({})",
        options.modelName(), version, e.getMessage());
  }

  /** Ends the loop for good: see {@link #halted()}. */
  private void halt() {
    halted = true;
    running = false;
  }

  /** Publishes the snapshot with {@code classifier} (null for none) as the next version. */
  private void publish(Checkpoint snapshot, FittedClassifier classifier, long stepsAt) {
    if (halted) {
      return;
    }
    long version = metrics.version + 1;
    if (version > Checkpoint.MAX_VERSION) {
      // Only a version published from elsewhere gets here (versions rise by one per publication).
      halt();
      LOG.error(
          "model '{}' is at version {}, the highest there is: this trainer stops rather than publish a"
              + " version every reader refuses; publish the model under another name",
          options.modelName(), metrics.version);
      return;
    }
    Map<String, Double> figures = new LinkedHashMap<>(snapshot.metrics());
    if (Float.isFinite((float) metrics.pretextLoss)) {
      figures.put("pretextLoss", metrics.pretextLoss);
    }
    if (classifier != null) {
      FittedClassifier.Quality q = classifier.quality();
      figures.put("classifierAccuracy", q.crossValidatedAccuracy());
      figures.put("classifierWindows", (double) q.labelledWindows());
      figures.put("classifierEntities", (double) q.labelledEntities());
    }
    Checkpoint checkpoint =
        new Checkpoint(
            version, snapshot.config(), snapshot.tokenizer(), snapshot.classNames(), figures,
            snapshot.sections(), classifier);
    int bytes;
    try {
      bytes = writer.publish(checkpoint);
    } catch (CheckpointTopic.FencedException e) {
      fenced(e, version);
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new org.apache.kafka.common.errors.InterruptException(e);
    } catch (ExecutionException e) {
      // The next publication tries again with the same version; training goes on.
      LOG.warn("publishing model version {} failed: {}", version, e.getCause().toString());
      return;
    }
    metrics.version = version;
    metrics.published.increment();
    LOG.info(
        "published model '{}' version {} ({} bytes, {} steps, {})",
        options.modelName(), version, bytes, stepsAt,
        classifier == null
            ? "no classifier"
            : "classifier over " + classifier.classes() + ", cross-validated accuracy "
                + String.format(java.util.Locale.ROOT, "%.3f", classifier.quality().crossValidatedAccuracy()));
  }

  /** For dead letters only: a transactional producer (the checkpoint writer's) sends in transactions. */
  private KafkaProducer<byte[], byte[]> deadLetterProducer() {
    Map<String, Object> config = new HashMap<>(kafka);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /** The dead-letter producer's {@code max.request.size}: the pass-through setting, or Kafka's default. */
  private int maxRequestBytes() {
    Object value = kafka.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
    return value == null ? Topics.DEFAULT_MAX_REQUEST_BYTES : Integer.parseInt(value.toString().trim());
  }

  private KafkaConsumer<String, byte[]> consumer() {
    Map<String, Object> config = new HashMap<>(kafka);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
    return new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
  }

  /**
   * True once another writer of this model's checkpoints (a second trainer, {@code publish-model}) has
   * taken over: this trainer published nothing after that, its loop has ended, and {@link #ready()} is
   * false. A restart resumes from the latest checkpoint, the other writer's.
   */
  public boolean fenced() {
    return fenced;
  }

  /**
   * True once this trainer may publish no more and has stopped for good: {@link #fenced()}, or its
   * model is at {@link Checkpoint#MAX_VERSION}. Its loop has ended on purpose but not by
   * {@link #close()}: a liveness check should count it dead, so that it is restarted (and resumes
   * from the latest checkpoint) or looked at.
   */
  public boolean halted() {
    return halted;
  }

  /** True once the model is loaded and the consumers are positioned. */
  public boolean ready() {
    return ready;
  }

  public long publishedVersion() {
    return metrics.version;
  }

  public long steps() {
    return steps;
  }

  public double lastPretextLoss() {
    return metrics.pretextLoss;
  }

  /** The quality of the last classifier fitted, or null before the first. */
  public FittedClassifier.Quality classifierQuality() {
    return metrics.quality();
  }

  /** The smoothed pretext loss when the first classifier was fitted, and the highest since (NaN before). */
  public LossAroundLabels lossAroundLabels() {
    return new LossAroundLabels(lossAtFirstClassifier, highestLossSince);
  }

  /** Stops the loop after its current step and waits for it (up to a minute). */
  @Override
  public void close() throws InterruptedException {
    running = false;
    if (thread.isAlive()) {
      thread.join(60_000);
    }
    publisher.shutdown();
    publisher.awaitTermination(60, TimeUnit.SECONDS);
  }
}
