package io.foresight.cli;

import io.foresight.ingest.IngestService;
import io.foresight.model.Tokenizer;
import io.foresight.ops.MetricsServer;
import io.foresight.wire.Topics;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ingest}: the windowing service. */
@Command(name = "ingest", mixinStandardHelpOptions = true,
    description = "Cut foresight.timesteps into per-entity windows on foresight.windows (Kafka Streams,"
        + " RocksDB state, exactly-once); bad records go to foresight.dlq with their reason.")
final class IngestCommand implements Callable<Integer> {

  @Mixin KafkaOptions kafka;
  @Mixin MetricsOptions metrics;
  @Mixin WindowOptions windows;

  @Option(names = "--tokenizer", defaultValue = "integer",
      description = "integer: steps must be whole numbers in [0, --integer-vocabulary); real: any finite"
          + " number (default: ${DEFAULT-VALUE}).")
  String tokenizer;

  @Option(names = "--integer-vocabulary", defaultValue = "41",
      description = "Integer steps accepted: [0, V) (default: ${DEFAULT-VALUE}).")
  int vocabulary;

  @Mixin StreamsAppOptions streams = new StreamsAppOptions("foresight-ingest");

  @Option(names = "--threads", defaultValue = "1", description = "Stream threads (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(names = "--entity-ttl", defaultValue = "7d", converter = DurationConverter.class,
      description = "Forget an entity's state after this long without a record (record time), so state"
          + " does not keep every device ever seen; e.g. 12h, 30d (default: ${DEFAULT-VALUE}).")
  java.time.Duration entityTtl;

  @Override
  public Integer call() throws Exception {
    Map<String, Object> client = kafka.settings().clientProperties();
    Services.requireTopics(client, List.of(Topics.TIMESTEPS, Topics.WINDOWS, Topics.DLQ));
    Tokenizer steps =
        switch (tokenizer) {
          case "integer" -> Tokenizer.integer(vocabulary);
          case "real" -> Tokenizer.real(Tokenizer.DEFAULT_REAL_BINS, Tokenizer.DEFAULT_REAL_LIMIT);
          default -> throw new IllegalArgumentException("--tokenizer must be integer or real, not " + tokenizer);
        };
    MetricsServer server = metrics.start("ingest");
    // Not ready until the real check below replaces this one: with no checks at all,
    // /health/ready answers 200 while the service is still being built.
    server.addReadinessCheck("streams", () -> false);
    IngestService service =
        new IngestService(
            streams.apply(client), streams.applicationId, streams.stateDir("ingest"),
            threads, windows.spec(WindowOptions.Mode.sliding), steps, entityTtl, server.registry());
    server.bind(service.streams());
    server.addReadinessCheck("streams", service::ready);
    server.addLivenessCheck("streams", service::alive);
    service.start();
    System.out.println("ingest running; metrics on :" + server.port() + " (Ctrl-C stops it)");
    Services.runUntilShutdown("ingest", List.<AutoCloseable>of(server, service));
    return 0;
  }
}
