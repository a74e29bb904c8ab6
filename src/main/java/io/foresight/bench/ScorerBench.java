package io.foresight.bench;

import io.foresight.learn.Inference;
import io.foresight.model.ForesightNet;
import io.foresight.model.ModelConfig;
import io.foresight.model.Tokenizer;
import io.foresight.model.Tokenizer.Tokens;
import io.foresight.ops.EmbeddedKafka;
import io.foresight.score.ModelHolder;
import io.foresight.score.ScoringTopology;
import io.foresight.wire.Checkpoint;
import io.foresight.wire.CheckpointCodec;
import io.foresight.wire.Topics;
import io.foresight.wire.Window;
import io.foresight.wire.WindowCodec;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;

/**
 * The scorer Streams app's windows/s against a bare batched DJL forward of the same windows through
 * the same weights, in one run on one in-process broker ({@code bench scorer}).
 *
 * <p>It pre-produces {@code windows} windows of {@code length} random integer values in 0..40 to
 * {@code foresight.windows} and builds a fresh default causal CNN (3 classes, integer tokeniser of 41).
 * Then (a) {@link Inference#run} over the tokenised windows in batches of {@code batch}, after one
 * warm-up batch; (b) the {@link ScoringTopology} app, its {@link ModelHolder} offered a checkpoint of
 * that net and warmed up with one batch likewise, timed from RUNNING until its
 * {@code foresight.scorer.windows} counter reaches the windows produced (a fresh application id each
 * round, so each reads every window). The two alternate for {@code rounds} rounds ({@link Rounds});
 * the ratio is of the medians. PyTorch's threads are the caller's to set, once, for both.
 */
public final class ScorerBench {

  private static final int VOCABULARY = 41;
  private static final List<String> CLASSES = List.of("class-0", "class-1", "class-2");

  /**
   * @param windows windows to score
   * @param length steps per window
   * @param batch windows per forward pass
   */
  public record Settings(int windows, int length, int batch, int rounds) {}

  /** Each side's median windows/s over the rounds, and its rate in each. */
  public record Result(double scorer, double bare, double[] scorerRounds, double[] bareRounds) {

    /** The figure the target (>= 0.8) is about. */
    public double scorerOverBare() {
      return scorer / bare;
    }
  }

  private final Settings settings;
  private final PrintStream out;

  /** @param out where the run says each round's figures and where the scorer's time went */
  public ScorerBench(Settings settings, PrintStream out) {
    this.settings = settings;
    this.out = out;
  }

  public Result run() throws Exception {
    int windows = settings.windows();
    Tokenizer tokenizer = Tokenizer.integer(VOCABULARY);
    List<Window> data = randomWindows();
    List<Tokens> tokens = data.stream()
        .map(w -> tokenizer.encode(w.doubles(), Tokenizer.OutOfRange.CLAMP))
        .toList();
    try (ScratchDirectory stateDir = ScratchDirectory.create("foresight-bench-scorer");
        EmbeddedKafka kafka = EmbeddedKafka.startWithTopics();
        ForesightNet net = ForesightNet.create(ModelConfig.defaults().withClasses(CLASSES.size()), tokenizer)) {
      Map<String, Object> client = Map.of("bootstrap.servers", kafka.bootstrapServers());
      produce(client, data);

      byte[] checkpoint = CheckpointCodec.encode(Checkpoint.of(net, 1, CLASSES, Map.of()));
      Rounds timed = new Rounds(0, settings.rounds());
      Rounds.Case bare = timed.add(round -> windows / bare(net, tokens));
      Rounds.Case scorer = timed.add(round -> windows / scorer(client, stateDir.resolve("round-" + round.index()),
          checkpoint, tokens.subList(0, Math.min(settings.batch(), windows))));
      timed.run(round -> out.printf(Locale.ROOT, "round %d: scorer %,.1f windows/s, bare %,.1f windows/s%n",
          round.number(), scorer.latest(), bare.latest()));
      return new Result(scorer.median(), bare.median(), scorer.rounds(), bare.rounds());
    }
  }

  private List<Window> randomWindows() {
    Random random = new Random(1);
    long start = System.currentTimeMillis();
    int length = settings.length();
    List<Window> out = new ArrayList<>(settings.windows());
    for (int i = 0; i < settings.windows(); i++) {
      float[] values = new float[length];
      for (int t = 0; t < length; t++) {
        values[t] = random.nextInt(VOCABULARY);
      }
      out.add(new Window("device-" + (i % 100), start, start + 10L * (length - 1), i / 100, values));
    }
    return out;
  }

  private static void produce(Map<String, Object> client, List<Window> data) {
    Map<String, Object> config = new HashMap<>(client);
    config.putAll(EmbeddedKafka.producerTimeouts());
    config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
      for (Window w : data) {
        producer.send(new ProducerRecord<>(Topics.WINDOWS, w.entity(), WindowCodec.encode(w)));
      }
      producer.flush();
    }
  }

  /** Seconds for a bare batched forward of every window, after one warm-up batch. */
  private double bare(ForesightNet net, List<Tokens> tokens) {
    int batch = settings.batch();
    Inference.run(net, tokens.subList(0, Math.min(batch, tokens.size())), batch, Inference.MAX_BATCH_STEPS);
    long start = System.nanoTime();
    Inference.run(net, tokens, batch, Inference.MAX_BATCH_STEPS);
    return (System.nanoTime() - start) / 1e9;
  }

  /** Seconds from RUNNING until the scorer app has scored every window. */
  private double scorer(Map<String, Object> client, Path stateDir, byte[] checkpoint, List<Tokens> warmUp)
      throws InterruptedException {
    int batch = settings.batch();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (ModelHolder models = new ModelHolder(registry)) {
      if (!models.offer(checkpoint)) {
        throw new IllegalStateException("the model holder rejected the checkpoint");
      }
      try (ModelHolder.Lease lease = models.acquire()) {
        Inference.run(lease.net(), warmUp, batch, Inference.MAX_BATCH_STEPS);
      }
      StreamsBuilder builder = new StreamsBuilder();
      long maxWaitMs = ScoringTopology.Options.defaults().maxWaitMs();
      ScoringTopology.build(builder, models, new ScoringTopology.Options(batch, maxWaitMs), registry);
      double seconds =
          StreamsAppRun.untilCounted(builder.build(), ScoringTopology.client(client), stateDir, 1,
              registry.counter("foresight.scorer.windows"), settings.windows(), "windows").secondsSinceRunning();
      // Where the scorer's time went, from its own meters (see ScoringProcessor).
      var batches = registry.summary("foresight.scorer.batch.size");
      var forward = registry.timer("foresight.scorer.batch.latency");
      out.printf(Locale.ROOT, "scorer: %d batches of %.1f windows on average; forward passes %.1f s of %.1f s%n",
          batches.count(), batches.mean(), forward.totalTime(TimeUnit.SECONDS), seconds);
      return seconds;
    }
  }
}
