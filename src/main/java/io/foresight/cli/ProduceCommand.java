package io.foresight.cli;

import io.foresight.data.StreamProducer;
import io.foresight.data.TimestepSource;
import io.foresight.ingest.WindowSpec;
import io.foresight.wire.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code produce}: a simulated fleet or a replayed dataset, to foresight.timesteps and labels. */
@Command(name = "produce", mixinStandardHelpOptions = true,
    description = "Produce timesteps (and some labels) to Kafka: a simulated fleet of devices whose"
        + " patterns depend on a hidden class, or a dataset replayed as a stream.")
final class ProduceCommand implements Callable<Integer> {

  @Mixin KafkaOptions kafka;
  @Mixin SourceOptions source;

  @Option(names = "--duration", description = "Stop after this long (e.g. 60s, 5m); default: until the source ends or Ctrl-C.")
  Duration duration;

  @Override
  public Integer call() throws Exception {
    Map<String, Object> client = kafka.settings().clientProperties();
    Services.requireTopics(client, List.of(Topics.TIMESTEPS, Topics.LABELS));
    TimestepSource steps = source.isReplay() ? source.replay() : source.fleetSource(WindowSpec.DEFAULT_HOP);
    Map<String, Object> config = new HashMap<>(client);
    config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
      StreamProducer loop = new StreamProducer(producer, steps, source.producerOptions(duration));
      Thread thread = new Thread(loop, "foresight-produce");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        loop.stop();
        joinQuietly(thread);
      }));
      thread.start();
      long start = System.nanoTime();
      while (thread.isAlive()) {
        thread.join(5000);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(java.util.Locale.ROOT, "%6.0f s  %,d timesteps (%,.0f/s)  %,d labels  %d send errors%n",
            seconds, loop.timesteps(), loop.timesteps() / seconds, loop.labels(), loop.sendErrors());
      }
      if (loop.firstError() != null) {
        System.err.println("produce: first send error: " + loop.firstError());
        return 1;
      }
    }
    return 0;
  }

  private static void joinQuietly(Thread thread) {
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
