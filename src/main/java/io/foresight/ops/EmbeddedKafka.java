package io.foresight.ops;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker in this JVM: KRaft in combined mode (one process is both broker and
 * controller), from Maven Central's {@code kafka_2.13} artifacts, on loopback. The {@code demo} and
 * {@code broker} commands and the integration tests use it; production runs a real cluster.
 *
 * <p>Settings fit one node: replication factor 1 for the internal topics, no initial rebalance delay,
 * {@code message.max.bytes} of 64 MiB (checkpoints travel on {@code foresight.models}), and no topic
 * auto-creation, so that services find their topics the way they would in production: created by the
 * {@code topics} command ({@link TopicAdmin}).
 *
 * <pre>{@code
 * try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
 *   String bootstrap = kafka.bootstrapServers(); // 127.0.0.1:port
 * }
 * }</pre>
 */
public final class EmbeddedKafka implements AutoCloseable {

  /** {@code message.max.bytes}: checkpoints on {@code foresight.models} reach tens of MiB. */
  public static final int MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
  private static final String HOST = "127.0.0.1";
  private static final int NODE_ID = 1;
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

  private final KafkaRaftServer server;
  private final Path dir;
  private final boolean deleteOnClose;
  private final String bootstrapServers;
  private boolean closed;

  private EmbeddedKafka(KafkaRaftServer server, Path dir, boolean deleteOnClose, int port) {
    this.server = server;
    this.dir = dir;
    this.deleteOnClose = deleteOnClose;
    this.bootstrapServers = HOST + ":" + port;
  }

  /** Starts a broker on a free port with its logs in a temporary directory, deleted on close. */
  public static EmbeddedKafka start() {
    return start(null, 0);
  }

  /**
   * Starts a broker listening for clients on {@code port} (0: a free one) and returns once it accepts
   * clients.
   *
   * @param dir where the broker keeps its data, formatted on first use and reused after; null for a
   *     temporary directory deleted on close
   */
  public static EmbeddedKafka start(Path dir, int port) {
    if (dir != null) {
      return start(dir, port, false);
    }
    try {
      return start(Files.createTempDirectory("foresight-kafka-"), port, true);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static EmbeddedKafka start(Path dir, int port, boolean deleteOnClose) {
    long started = System.nanoTime();
    // A free port found now may be taken before the broker binds it: try again with fresh ports.
    RuntimeException failure = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      int brokerPort = port == 0 ? freePort() : port;
      int controllerPort = freePort();
      KafkaRaftServer server = null;
      try {
        Path logs = dir.resolve("logs");
        KafkaConfig config = new KafkaConfig(properties(logs, brokerPort, controllerPort), false);
        format(config, logs);
        server = new KafkaRaftServer(config, Time.SYSTEM);
        server.startup();
        EmbeddedKafka kafka = new EmbeddedKafka(server, dir, deleteOnClose, brokerPort);
        kafka.awaitReady();
        LOG.info("Kafka broker ready at {} in {} ms (logs in {})", kafka.bootstrapServers(),
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), logs);
        return kafka;
      } catch (RuntimeException e) {
        failure = e;
        if (server != null) {
          stop(server);
        }
        if (port != 0) {
          break;
        }
        LOG.warn("Kafka broker failed to start, retrying on other ports: {}", e.toString());
      }
    }
    if (deleteOnClose) {
      deleteRecursively(dir);
    }
    throw failure;
  }

  /**
   * Producer timeouts for clients of an in-process broker: {@code request.timeout.ms} of 2 minutes and
   * {@code delivery.timeout.ms} of 10 minutes (the defaults are 30 s and 2 minutes). Idempotence and
   * acks stay at their defaults (on, all).
   *
   * <p>Why: the broker and its clients share one JVM and, here, two cores. A stall (a loaded host,
   * GC, the safepoints of {@code jstack}) stops the broker as well, yet the clients' timers count it.
   * A request timeout only disconnects and retries, which the idempotent producer dedupes. A delivery
   * timeout is worse: the producer fails the batches whose fate it does not know (in flight ones
   * included, even though the broker may still write them), bumps its epoch and restarts that
   * partition's sequence at 0 (Kafka 4.3.1 {@code Sender.failExpiredBatches},
   * {@code TransactionManager.maybeResolveSequences}/{@code bumpIdempotentProducerEpoch}). The broker
   * then logs {@code OutOfOrderSequenceException ... 0 (incoming seq. number)} for the rewritten or
   * late batches, and the sends fail. A stall counts against a deadline; it is not a dead broker.
   */
  public static Map<String, Object> producerTimeouts() {
    return Map.of(
        "request.timeout.ms", 120_000,
        "delivery.timeout.ms", 600_000);
  }

  /** The {@code bootstrap.servers} value for clients: {@code 127.0.0.1:port}. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** Shuts the broker down cleanly and, when its directory was temporary, deletes it. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    stop(server);
    if (deleteOnClose) {
      deleteRecursively(dir);
    }
  }

  static Properties properties(Path logs, int brokerPort, int controllerPort) {
    Properties props = new Properties();
    props.putAll(Map.ofEntries(
        Map.entry("process.roles", "broker,controller"),
        Map.entry("node.id", String.valueOf(NODE_ID)),
        Map.entry("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort),
        Map.entry("listeners",
            "PLAINTEXT://" + HOST + ":" + brokerPort + ",CONTROLLER://" + HOST + ":" + controllerPort),
        Map.entry("advertised.listeners", "PLAINTEXT://" + HOST + ":" + brokerPort),
        Map.entry("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"),
        Map.entry("controller.listener.names", "CONTROLLER"),
        Map.entry("inter.broker.listener.name", "PLAINTEXT"),
        Map.entry("log.dirs", logs.toAbsolutePath().toString()),
        Map.entry("auto.create.topics.enable", "false"),
        Map.entry("num.partitions", "1"),
        Map.entry("offsets.topic.replication.factor", "1"),
        Map.entry("offsets.topic.num.partitions", "4"),
        Map.entry("transaction.state.log.replication.factor", "1"),
        Map.entry("transaction.state.log.min.isr", "1"),
        Map.entry("transaction.state.log.num.partitions", "4"),
        Map.entry("share.coordinator.state.topic.replication.factor", "1"),
        Map.entry("share.coordinator.state.topic.min.isr", "1"),
        Map.entry("group.initial.rebalance.delay.ms", "0"),
        Map.entry("message.max.bytes", String.valueOf(MAX_MESSAGE_BYTES)),
        Map.entry("replica.fetch.max.bytes", String.valueOf(MAX_MESSAGE_BYTES)),
        Map.entry("log.cleaner.dedupe.buffer.size", String.valueOf(8 * 1024 * 1024)),
        Map.entry("log.cleaner.io.buffer.size", String.valueOf(MAX_MESSAGE_BYTES / 4))));
    return props;
  }

  /** What {@code kafka-storage.sh format} does; a directory formatted before is reused as it is. */
  private static void format(KafkaConfig config, Path logs) {
    if (Files.exists(logs.resolve("meta.properties"))) {
      return;
    }
    try {
      Files.createDirectories(logs);
      new Formatter()
          .setPrintStream(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()))
          .setClusterId(Uuid.randomUuid().toString())
          .setNodeId(config.nodeId())
          .setControllerListenerName("CONTROLLER")
          .setMetadataLogDirectory(config.metadataLogDir())
          .setDirectories(java.util.List.of(logs.toAbsolutePath().toString()))
          .setReleaseVersion(MetadataVersion.latestProduction())
          .run();
    } catch (Exception e) {
      throw new IllegalStateException("Could not format Kafka log directory " + logs, e);
    }
  }

  private void awaitReady() {
    Map<String, Object> config = Map.of(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    try (Admin admin = Admin.create(config)) {
      while (true) {
        try {
          if (!admin.describeCluster().nodes().get(10, TimeUnit.SECONDS).isEmpty()) {
            return;
          }
        } catch (Exception e) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("Kafka broker did not accept clients within "
                + READY_TIMEOUT.toSeconds() + " s at " + bootstrapServers, e);
          }
        }
        Thread.sleep(50);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted waiting for the Kafka broker", e);
    }
  }

  private static void stop(KafkaRaftServer server) {
    try {
      server.shutdown();
      server.awaitShutdown();
    } catch (RuntimeException e) {
      LOG.warn("Kafka broker shutdown failed: {}", e.toString());
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getByName(HOST))) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      LOG.warn("Could not delete {}: {}", dir, e.toString());
    }
  }
}
