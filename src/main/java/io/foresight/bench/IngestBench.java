package io.foresight.bench;

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
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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

/**
 * The ingest Streams app's timesteps/s against a plain consumer-to-producer passthrough of the same
 * records, both on one in-process broker in one run ({@code bench ingest}).
 *
 * <p>It pre-produces {@code steps} timesteps of a 100-device {@link SimulatedFleet} (integer counts,
 * {@code chunk} steps per record, unpaced) to {@code foresight.timesteps}, then measures, alternating
 * for {@code rounds} rounds ({@link Rounds}): (a) a read_committed consumer copying every record's
 * bytes to a scratch topic with as many partitions, until all are copied and flushed, its producer
 * batching as the Streams apps' do ({@link StreamsApps#PRODUCER_BATCH_BYTES}); (b) the ingest topology
 * (sliding 512/128, integer tokeniser of 41, the services' exactly-once settings, fresh application id
 * and state directory) until its {@code foresight.ingest.timesteps} counter reaches the steps produced;
 * and, for scale, (c) a Kafka Streams app with the same settings that only copies the records. Each is
 * a steady rate: timed from its first record (the plain consumer's first non-empty poll, the Streams
 * apps' counters first read above zero), so that group join, task and transaction start-up and the
 * first fetch, which a long-running service pays once, are left out of all three alike. Each side
 * reports the median of its rounds, after {@code warmUpRounds} untimed ones: on 2 cores the JIT
 * compiler took a third of the CPU during a first ingest run, which measures start-up, not throughput.
 */
public final class IngestBench {

  private static final int DEVICES = 100;
  private static final Duration TIMEOUT = Duration.ofMinutes(10);

  /**
   * @param steps timesteps to produce
   * @param chunk steps per record
   * @param threads stream threads of the ingest app and of the Streams passthrough
   * @param commitIntervalMs commit interval of both Streams apps; null for the services' own
   */
  public record Settings(
      long steps, int chunk, int warmUpRounds, int rounds, int threads, Integer commitIntervalMs) {}

  /**
   * What a run measured, in steps/s: each side's median over the timed rounds, and its rate in each.
   *
   * @param produced timesteps produced
   * @param records records they were produced in
   */
  public record Result(
      long produced, long records, double passthrough, double streamsPassthrough, double ingest,
      double[] passthroughRounds, double[] streamsPassthroughRounds, double[] ingestRounds) {

    /** The figure the target (>= 0.6) is about. */
    public double ingestOverPassthrough() {
      return ingest / passthrough;
    }

    /** What Kafka Streams with exactly-once costs before any processing. */
    public double streamsPassthroughOverPassthrough() {
      return streamsPassthrough / passthrough;
    }

    /** What ingest's own processing costs on top of Kafka Streams. */
    public double ingestOverStreamsPassthrough() {
      return ingest / streamsPassthrough;
    }
  }

  private final Settings settings;
  private final PrintStream out;

  /** @param out where the run says what it produced and each round's figures */
  public IngestBench(Settings settings, PrintStream out) {
    this.settings = settings;
    this.out = out;
  }

  public Result run() throws Exception {
    int chunk = settings.chunk();
    try (ScratchDirectory tmp = ScratchDirectory.create("foresight-bench-ingest");
        EmbeddedKafka kafka = EmbeddedKafka.startWithTopics()) {
      Map<String, Object> client = Map.of("bootstrap.servers", kafka.bootstrapServers());
      int partitions = TopicDefinition.load().stream()
          .filter(d -> d.name().equals(Topics.TIMESTEPS)).findFirst().orElseThrow().partitions();
      long records = produce(client);
      long produced = records * chunk;
      out.printf(Locale.ROOT, "produced %,d timesteps in %,d records of %d steps to %s%n",
          produced, records, chunk, Topics.TIMESTEPS);

      Map<String, Object> streamsClient = new HashMap<>(client);
      if (settings.commitIntervalMs() != null) {
        streamsClient.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, settings.commitIntervalMs());
      }
      int threads = settings.threads();
      Rounds timed = new Rounds(settings.warmUpRounds(), settings.rounds());
      Rounds.Case passthrough = timed.add(round -> {
        // The round's scratch topic; the Streams passthrough measured next copies to it as well.
        createScratchTopic(client, scratchTopic(round), partitions);
        return chunk * passthrough(client, scratchTopic(round), partitions, records);
      });
      Rounds.Case streamsPassthrough = timed.add(round -> chunk * streamsPassthrough(
          streamsClient, scratchTopic(round), tmp.resolve("passthrough-" + round.index()), threads, records));
      Rounds.Case ingest = timed.add(round ->
          ingest(streamsClient, tmp.resolve("streams-" + round.index()), threads, produced));
      timed.run(round -> {
        String figures = String.format(Locale.ROOT,
            "passthrough %,.0f steps/s, Streams passthrough %,.0f steps/s, ingest %,.0f steps/s",
            passthrough.latest(), streamsPassthrough.latest(), ingest.latest());
        if (round.warmUp()) {
          out.println("warm-up: " + figures);
        } else {
          out.printf(Locale.ROOT, "round %d: %s%n", round.number(), figures);
        }
      });
      return new Result(produced, records, passthrough.median(), streamsPassthrough.median(), ingest.median(),
          passthrough.rounds(), streamsPassthrough.rounds(), ingest.rounds());
    }
  }

  private static String scratchTopic(Rounds.Round round) {
    return "bench.passthrough." + round.index();
  }

  private static void createScratchTopic(Map<String, Object> client, String topic, int partitions)
      throws Exception {
    try (Admin admin = Admin.create(client)) {
      TopicAdmin.apply(admin, List.of(new TopicDefinition(topic, partitions, (short) 1, Map.of())), null);
    }
  }

  /** Writes the fleet's steps to {@code foresight.timesteps}; returns the records written. */
  private long produce(Map<String, Object> client) {
    Map<String, Object> config = new HashMap<>(client);
    config.putAll(EmbeddedKafka.producerTimeouts());
    config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
      StreamProducer run = new StreamProducer(producer, new SimulatedFleet(DEVICES, 1).asSource(0),
          StreamProducer.Options.defaults().withChunkSize(settings.chunk()).withMaxSteps(settings.steps()));
      run.run();
      if (run.sendErrors() > 0) {
        throw new IllegalStateException(String.format(Locale.ROOT,
            "producing failed: the producer reported %,d failed sends (%,d of %,d steps sent before it"
                + " stopped); first error: %s", run.sendErrors(), run.timesteps(), settings.steps(),
                run.firstError()),
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
    Map<String, Object> consumerConfig = new HashMap<>(client);
    consumerConfig.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    Map<String, Object> producerConfig = new HashMap<>(client);
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
          throw new IllegalStateException(
              "passthrough copied " + copied + " of " + records + " records in " + TIMEOUT);
        }
      }
      producer.flush();
      return StreamsAppRun.rateAfterFirst(first, 0, records);
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
    return steady(
        StreamsAppRun.untilCounted(builder.build(), client, stateDir, threads, copied, records, "records"));
  }

  /** Runs the ingest app until it has accepted {@code produced} steps; returns its steady steps/s. */
  private static double ingest(Map<String, Object> client, Path stateDir, int threads, long produced)
      throws InterruptedException {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    StreamsBuilder builder = new StreamsBuilder();
    WindowingTopology.build(builder, WindowSpec.sliding(512, 128), Tokenizer.integer(41), registry);
    return steady(StreamsAppRun.untilCounted(builder.build(), client, stateDir, threads,
        registry.counter("foresight.ingest.timesteps"), produced, "steps"));
  }

  private static double steady(StreamsAppRun run) {
    if (Double.isNaN(run.steadyRate())) {
      throw new IllegalStateException("the run ended before its progress was first read: raise --steps");
    }
    return run.steadyRate();
  }
}
