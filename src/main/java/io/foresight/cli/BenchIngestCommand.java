package io.foresight.cli;

import io.foresight.bench.Medians;
import io.foresight.data.SimulatedFleet;
import io.foresight.data.StreamProducer;
import io.foresight.ingest.WindowSpec;
import io.foresight.ingest.WindowingTopology;
import io.foresight.model.Tokenizer;
import io.foresight.ops.EmbeddedKafka;
import io.foresight.ops.StreamsApps;
import io.foresight.ops.TopicAdmin;
import io.foresight.ops.TopicDefinition;
import io.foresight.wire.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench ingest}: the ingest Streams app's timesteps/s against a plain consumer-to-producer
 * passthrough of the same records, both on one in-process broker in one run.
 *
 * <p>It pre-produces {@code --steps} timesteps of a 100-device {@link SimulatedFleet} (integer counts,
 * {@code --chunk} steps per record, unpaced) to {@code foresight.timesteps}, then measures, alternating
 * for {@code --rounds} rounds: (a) a read_committed consumer copying every record's bytes to a scratch
 * topic with as many partitions, until all are copied and flushed, its producer batching as the
 * Streams apps' do ({@link StreamsApps#PRODUCER_BATCH_BYTES}); (b) the ingest topology (sliding
 * 512/128, integer tokeniser of 41, the services' exactly-once settings, fresh application id and state
 * directory) until its {@code foresight.ingest.timesteps} counter reaches the steps produced; and, for
 * scale, (c) a Kafka Streams app with the same settings that only copies the records. Each is a steady
 * rate: timed from its first record (the plain consumer's first non-empty poll, the Streams apps'
 * counters first read above zero), so that group join, task and transaction start-up and the first
 * fetch, which a long-running service pays once, are left out of all three alike. Each side reports
 * the median of its rounds, after {@code --warm-up-rounds} untimed ones: on 2 cores the JIT compiler
 * took a third of the CPU during a first ingest run, which measures start-up, not throughput.
 */
@Command(name = "ingest", mixinStandardHelpOptions = true,
    description = "Ingest Streams app timesteps/s against a plain consumer-to-producer passthrough.")
final class BenchIngestCommand implements Callable<Integer> {

  private static final int DEVICES = 100;
  private static final Duration TIMEOUT = Duration.ofMinutes(10);

  @Option(names = "--steps", defaultValue = "8000000", description = "Timesteps to produce (default: ${DEFAULT-VALUE}).")
  long steps;

  @Option(names = "--chunk", defaultValue = "8", description = "Steps per record (default: ${DEFAULT-VALUE}).")
  int chunk;

  @Option(names = "--rounds", defaultValue = "3",
      description = "Timed alternating rounds of each side; the ratio is of the medians (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(names = "--warm-up-rounds", defaultValue = "1",
      description = "Untimed rounds of each side first, so that the JIT compiler has compiled both paths"
          + " (default: ${DEFAULT-VALUE}).")
  int warmUpRounds;

  @Option(names = "--threads", defaultValue = "1",
      description = "Stream threads of the ingest app and of the Streams passthrough; the ingest service's"
          + " default is 1 (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(names = "--commit-interval-ms",
      description = "Commit interval of the ingest app and of the Streams passthrough (default: the"
          + " services' own, StreamsApps).")
  Integer commitIntervalMs;

  @Override
  public Integer call() throws Exception {
    BenchIngestCommand.muteClientLogs();
    Path tmp = Files.createTempDirectory("foresight-bench-ingest");
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      Map<String, Object> client = Map.of("bootstrap.servers", kafka.bootstrapServers());
      List<TopicDefinition> definitions = TopicDefinition.load();
      int partitions = definitions.stream()
          .filter(d -> d.name().equals(Topics.TIMESTEPS)).findFirst().orElseThrow().partitions();
      try (Admin admin = Admin.create(client)) {
        TopicAdmin.apply(admin, definitions, null);
      }
      long records = produce(client);
      long produced = records * chunk;
      System.out.printf(Locale.ROOT, "produced %,d timesteps in %,d records of %d steps to %s%n",
          produced, records, chunk, Topics.TIMESTEPS);

      List<Double> passthrough = new ArrayList<>();
      List<Double> streamsPassthrough = new ArrayList<>();
      List<Double> ingest = new ArrayList<>();
      Map<String, Object> streamsClient = new java.util.HashMap<>(client);
      if (commitIntervalMs != null) {
        streamsClient.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitIntervalMs);
      }
      for (int round = 1 - warmUpRounds; round <= rounds; round++) {
        String scratch = "bench.passthrough." + (round + warmUpRounds);
        try (Admin admin = Admin.create(client)) {
          TopicAdmin.apply(admin, List.of(new TopicDefinition(scratch, partitions, (short) 1, Map.of())), null);
        }
        double p = chunk * passthrough(client, scratch, partitions, records);
        double sp = chunk * streamsPassthrough(
            streamsClient, scratch, tmp.resolve("passthrough-" + (round + warmUpRounds)), threads, records);
        double i = ingest(streamsClient, tmp.resolve("streams-" + (round + warmUpRounds)), threads, produced);
        String figures = String.format(Locale.ROOT,
            "passthrough %,.0f steps/s, Streams passthrough %,.0f steps/s, ingest %,.0f steps/s", p, sp, i);
        if (round < 1) {
          System.out.println("warm-up: " + figures);
          continue;
        }
        System.out.printf(Locale.ROOT, "round %d: %s%n", round, figures);
        passthrough.add(p);
        streamsPassthrough.add(sp);
        ingest.add(i);
      }
      double p = Medians.of(passthrough);
      double sp = Medians.of(streamsPassthrough);
      double i = Medians.of(ingest);
      System.out.printf(Locale.ROOT, "ingest/passthrough = %.2f (ingest %,.0f steps/s, passthrough %,.0f steps/s)%n",
          i / p, i, p);
      System.out.printf(Locale.ROOT, "for scale: Streams passthrough (exactly-once, no processing)/passthrough = %.2f;"
          + " ingest/Streams passthrough = %.2f%n", sp / p, i / sp);
      return 0;
    } finally {
      deleteRecursively(tmp);
    }
  }

  /** Writes the fleet's steps to {@code foresight.timesteps}; returns the records written. */
  private long produce(Map<String, Object> client) {
    Map<String, Object> config = new java.util.HashMap<>(client);
    config.putAll(EmbeddedKafka.producerTimeouts());
    config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
      StreamProducer run = new StreamProducer(producer, new SimulatedFleet(DEVICES, 1).asSource(0),
          StreamProducer.Options.defaults().withChunkSize(chunk).withMaxSteps(steps));
      run.run();
      if (run.sendErrors() > 0) {
        throw new IllegalStateException(String.format(Locale.ROOT,
            "producing failed: the producer reported %,d failed sends (%,d of %,d steps sent before it"
                + " stopped); first error: %s", run.sendErrors(), run.timesteps(), steps, run.firstError()),
            run.firstError());
      }
      return run.records();
    }
  }

  /**
   * Copies every record of {@code foresight.timesteps} to {@code scratch}; returns records/s from the
   * first non-empty poll until the last copy is flushed.
   */
  private static double passthrough(Map<String, Object> client, String scratch, int partitions, long records) {
    Map<String, Object> consumerConfig = new java.util.HashMap<>(client);
    consumerConfig.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    Map<String, Object> producerConfig = new java.util.HashMap<>(client);
    producerConfig.putAll(EmbeddedKafka.producerTimeouts());
    // The Streams apps' producer batching, so that neither side wins on client tuning.
    producerConfig.put(ProducerConfig.LINGER_MS_CONFIG, StreamsApps.PRODUCER_LINGER_MS);
    producerConfig.put(ProducerConfig.BATCH_SIZE_CONFIG, StreamsApps.PRODUCER_BATCH_BYTES);
    List<TopicPartition> source = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      source.add(new TopicPartition(Topics.TIMESTEPS, p));
    }
    try (KafkaConsumer<byte[], byte[]> consumer =
            new KafkaConsumer<>(consumerConfig, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        KafkaProducer<byte[], byte[]> producer =
            new KafkaProducer<>(producerConfig, new ByteArraySerializer(), new ByteArraySerializer())) {
      consumer.assign(source);
      consumer.seekToBeginning(source);
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      long first = 0;
      long copied = 0;
      while (copied < records) {
        ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(100));
        if (first == 0 && !batch.isEmpty()) {
          first = System.nanoTime();
        }
        for (ConsumerRecord<byte[], byte[]> r : batch) {
          producer.send(new ProducerRecord<>(scratch, r.partition(), r.key(), r.value()));
        }
        copied += batch.count();
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("passthrough copied " + copied + " of " + records + " records in " + TIMEOUT);
        }
      }
      producer.flush();
      return BenchStreams.rateAfterFirst(first, 0, records);
    }
  }

  /**
   * The framework's own cost: a Kafka Streams app with the services' settings (exactly-once, commit
   * interval) that copies every record's bytes to {@code scratch} and does nothing else; returns its
   * steady records/s.
   */
  private static double streamsPassthrough(
      Map<String, Object> client, String scratch, Path stateDir, int threads, long records)
      throws InterruptedException {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    var copied = registry.counter("bench.copied");
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream(Topics.TIMESTEPS, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
        .peek((key, value) -> copied.increment())
        .to(scratch, Produced.with(Serdes.ByteArray(), Serdes.ByteArray()));
    return steady(BenchStreams.run(builder.build(), client, stateDir, threads, copied, records, "records"));
  }

  /** Runs the ingest app until it has accepted {@code produced} steps; returns its steady steps/s. */
  private static double ingest(Map<String, Object> client, Path stateDir, int threads, long produced)
      throws InterruptedException {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    StreamsBuilder builder = new StreamsBuilder();
    WindowingTopology.build(builder, WindowSpec.sliding(512, 128), Tokenizer.integer(41), registry);
    return steady(BenchStreams.run(builder.build(), client, stateDir, threads,
        registry.counter("foresight.ingest.timesteps"), produced, "steps"));
  }

  private static double steady(BenchStreams.Run run) {
    if (Double.isNaN(run.steadyRate())) {
      throw new IllegalStateException("the run ended before its progress was first read: raise --steps");
    }
    return run.steadyRate();
  }

  /**
   * Client warnings about settings (state directory under /tmp, exception handlers) and shutdown
   * chatter say nothing about the figures: keep Kafka and the broker's start line at error/warn.
   * Loggers read these properties when created, so call this before any Kafka client is built. A level
   * given with {@code -D} on the command line wins.
   */
  static void muteClientLogs() {
    mute("org.slf4j.simpleLogger.log.org.apache.kafka", "error");
    mute("org.slf4j.simpleLogger.log.io.foresight.ops.EmbeddedKafka", "warn");
  }

  /** Sets a logger's level unless the command line (-D) already chose one. */
  private static void mute(String property, String level) {
    if (System.getProperty(property) == null) {
      System.setProperty(property, level);
    }
  }

  static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (java.io.IOException e) {
      System.err.println("could not delete " + dir + ": " + e);
    }
  }
}
