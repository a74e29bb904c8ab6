package io.foresight.cli;

import io.foresight.bench.Medians;
import io.foresight.learn.Inference;
import io.foresight.model.ForesightNet;
import io.foresight.model.ModelConfig;
import io.foresight.model.Tokenizer;
import io.foresight.model.Tokenizer.Tokens;
import io.foresight.ops.EmbeddedKafka;
import io.foresight.ops.TopicAdmin;
import io.foresight.ops.TopicDefinition;
import io.foresight.score.ModelHolder;
import io.foresight.score.ScoringTopology;
import io.foresight.wire.Checkpoint;
import io.foresight.wire.CheckpointCodec;
import io.foresight.wire.Topics;
import io.foresight.wire.Window;
import io.foresight.wire.WindowCodec;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench scorer}: the scorer Streams app's windows/s against a bare batched DJL forward of the
 * same windows through the same weights, in one run on one in-process broker.
 *
 * <p>It pre-produces {@code --windows} windows of {@code --length} random integer values in 0..40 to
 * {@code foresight.windows} and builds a fresh default causal CNN (3 classes, integer tokeniser of 41).
 * Then (a) {@link Inference#run} over the tokenised windows in batches of {@code --batch}, after one
 * warm-up batch; (b) the {@link ScoringTopology} app, its {@link ModelHolder} offered a checkpoint of
 * that net and warmed up with one batch likewise, timed from RUNNING until its
 * {@code foresight.scorer.windows} counter reaches the windows produced (a fresh application id each
 * round, so each reads every window). The two alternate for {@code --rounds} rounds; the ratio is of
 * the medians. PyTorch threads are set once, to {@code --torch-threads}, for both.
 */
@Command(name = "scorer", mixinStandardHelpOptions = true,
    description = "Scorer Streams app windows/s against a bare batched DJL forward of the same windows.")
final class BenchScorerCommand implements Callable<Integer> {

  private static final int VOCABULARY = 41;
  private static final List<String> CLASSES = List.of("class-0", "class-1", "class-2");

  @Option(names = "--windows", defaultValue = "2000", description = "Windows to score (default: ${DEFAULT-VALUE}).")
  int windows;

  @Option(names = "--length", defaultValue = "512", description = "Steps per window (default: ${DEFAULT-VALUE}).")
  int length;

  @Option(names = "--batch", defaultValue = "64", description = "Windows per forward pass (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--torch-threads", defaultValue = "1", description = "PyTorch intra-op threads (default: ${DEFAULT-VALUE}).")
  int torchThreads;

  @Option(names = "--rounds", defaultValue = "3",
      description = "Alternating rounds of each side; the ratio is of the medians (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Override
  public Integer call() throws Exception {
    BenchIngestCommand.muteClientLogs();
    Services.torchThreads(torchThreads);
    Tokenizer tokenizer = Tokenizer.integer(VOCABULARY);
    List<Window> data = randomWindows();
    List<Tokens> tokens = data.stream()
        .map(w -> tokenizer.encode(w.doubles(), Tokenizer.OutOfRange.CLAMP))
        .toList();
    Path stateDir = Files.createTempDirectory("foresight-bench-scorer");
    try (EmbeddedKafka kafka = EmbeddedKafka.start();
        ForesightNet net = ForesightNet.create(ModelConfig.defaults().withClasses(CLASSES.size()), tokenizer)) {
      Map<String, Object> client = Map.of("bootstrap.servers", kafka.bootstrapServers());
      try (Admin admin = Admin.create(client)) {
        TopicAdmin.apply(admin, TopicDefinition.load(), null);
      }
      produce(client, data);

      byte[] checkpoint = CheckpointCodec.encode(Checkpoint.of(net, 1, CLASSES, Map.of()));
      List<Double> bareRates = new ArrayList<>();
      List<Double> scorerRates = new ArrayList<>();
      for (int round = 1; round <= rounds; round++) {
        double bare = windows / bare(net, tokens);
        double scorer = windows / scorer(client, stateDir.resolve("round-" + round), checkpoint,
            tokens.subList(0, Math.min(batch, windows)));
        System.out.printf(Locale.ROOT, "round %d: scorer %,.1f windows/s, bare %,.1f windows/s%n", round, scorer, bare);
        bareRates.add(bare);
        scorerRates.add(scorer);
      }
      double bare = Medians.of(bareRates);
      double scorer = Medians.of(scorerRates);
      System.out.printf(Locale.ROOT, "scorer/bare = %.2f (medians of %d rounds: scorer %,.1f windows/s, bare %,.1f"
              + " windows/s; %d windows of %d, batch %d, %d torch threads)%n",
          scorer / bare, rounds, scorer, bare, windows, length, batch, torchThreads);
      return 0;
    } finally {
      BenchIngestCommand.deleteRecursively(stateDir);
    }
  }

  private List<Window> randomWindows() {
    Random random = new Random(1);
    long start = System.currentTimeMillis();
    List<Window> out = new ArrayList<>(windows);
    for (int i = 0; i < windows; i++) {
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
    Inference.run(net, tokens.subList(0, Math.min(batch, tokens.size())), batch, Inference.MAX_BATCH_STEPS);
    long start = System.nanoTime();
    Inference.run(net, tokens, batch, Inference.MAX_BATCH_STEPS);
    return (System.nanoTime() - start) / 1e9;
  }

  /** Seconds from RUNNING until the scorer app has scored every window. */
  private double scorer(Map<String, Object> client, Path stateDir, byte[] checkpoint, List<Tokens> warmUp)
      throws InterruptedException {
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
          BenchStreams.run(builder.build(), client, stateDir, 1, registry.counter("foresight.scorer.windows"),
              windows, "windows").secondsSinceRunning();
      // Where the scorer's time went, from its own meters (see ScoringProcessor).
      var batches = registry.summary("foresight.scorer.batch.size");
      var forward = registry.timer("foresight.scorer.batch.latency");
      System.out.printf(Locale.ROOT, "scorer: %d batches of %.1f windows on average; forward passes %.1f s of %.1f s%n",
          batches.count(), batches.mean(), forward.totalTime(java.util.concurrent.TimeUnit.SECONDS), seconds);
      return seconds;
    }
  }
}
