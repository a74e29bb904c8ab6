package io.foresight.ops;

import io.foresight.config.Settings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker in this JVM: KRaft in combined mode (one process is both broker and
 * controller), from Maven Central's {@code kafka_2.13} artifacts, on loopback. The {@code demo} and
 * {@code broker} commands, the streaming benchmarks and the integration tests use it ({@link
 * #startWithTopics} when they want Foresight's topics there too); production runs a real cluster.
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
 *
 * <p>{@link #startSaslSsl} adds a SASL_SSL listener (SCRAM-SHA-512, TLS with a self-signed
 * certificate for 127.0.0.1 and localhost made at start), for running Foresight as it would connect to
 * a secured cluster; {@link #saslSsl()} says what its clients need.
 */
public final class EmbeddedKafka implements AutoCloseable {

  /** {@code message.max.bytes}: checkpoints on {@code foresight.models} reach tens of MiB. */
  public static final int MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
  private static final String HOST = "127.0.0.1";
  private static final int NODE_ID = 1;
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

  /** The only SASL mechanism the SASL_SSL listener enables. */
  public static final String SASL_MECHANISM = "SCRAM-SHA-512";

  /**
   * What a client needs to reach the SASL_SSL listener of {@link #startSaslSsl}.
   *
   * @param bootstrapServers the SASL_SSL listener, {@code 127.0.0.1:port}
   * @param truststore a PKCS12 truststore holding the broker's self-signed certificate
   */
  public record SaslSsl(
      String bootstrapServers, String username, String password, Path truststore, String truststorePassword) {

    /** Kafka client properties, {@code bootstrap.servers} included. */
    public Map<String, String> clientProperties() {
      Map<String, String> props = new LinkedHashMap<>();
      props.put("bootstrap.servers", bootstrapServers);
      props.put("security.protocol", "SASL_SSL");
      props.put("sasl.mechanism", SASL_MECHANISM);
      props.put("sasl.jaas.config", jaasConfig(username, password));
      props.put("ssl.truststore.location", truststore.toAbsolutePath().toString());
      props.put("ssl.truststore.type", "PKCS12");
      props.put("ssl.truststore.password", truststorePassword);
      return props;
    }

    /**
     * The same as the environment variables a Foresight service reads: {@code FORESIGHT_BOOTSTRAP_SERVERS}
     * and {@code FORESIGHT_KAFKA_*} ({@link Settings#kafkaProperties()}).
     */
    public Map<String, String> environment() {
      Map<String, String> env = new LinkedHashMap<>();
      clientProperties().forEach((key, value) -> env.put(
          key.equals("bootstrap.servers") ? Settings.envName("bootstrap-servers")
              : Settings.envName(Settings.KAFKA_PREFIX + key),
          value));
      return env;
    }

    /** The client's {@code sasl.jaas.config} for a SCRAM user. */
    public static String jaasConfig(String username, String password) {
      return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
          + username + "\" password=\"" + password + "\";";
    }
  }

  private final KafkaRaftServer server;
  private final Path dir;
  private final boolean deleteOnClose;
  private final String bootstrapServers;
  private final SaslSsl saslSsl;
  private boolean closed;

  private EmbeddedKafka(
      KafkaRaftServer server, Path dir, boolean deleteOnClose, int port, SaslSsl saslSsl) {
    this.server = server;
    this.dir = dir;
    this.deleteOnClose = deleteOnClose;
    this.bootstrapServers = HOST + ":" + port;
    this.saslSsl = saslSsl;
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
    return start(dir, port, null, null);
  }

  /**
   * Starts a broker as {@link #start()} does, with Foresight's topics ({@link TopicDefinition#load()})
   * created: what a one-JVM run ({@code demo}, the streaming benchmarks) needs before its first client.
   */
  public static EmbeddedKafka startWithTopics() {
    return startWithTopics(null, 0);
  }

  /**
   * Starts a broker as {@link #start(Path, int)} does, with Foresight's topics created (those already
   * there, on a reused {@code dir}, are left as {@link TopicAdmin#apply} leaves them); the broker is
   * closed again when they cannot be created.
   */
  public static EmbeddedKafka startWithTopics(Path dir, int port) {
    EmbeddedKafka kafka = start(dir, port);
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      TopicAdmin.apply(admin, TopicDefinition.load(), null);
      return kafka;
    } catch (Exception e) {
      kafka.close();
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new IllegalStateException("could not create Foresight's topics on " + kafka.bootstrapServers(), e);
    }
  }

  /**
   * Starts a broker whose clients connect on a SASL_SSL listener at {@code port} (0: a free one) as
   * SCRAM-SHA-512 user {@code username}, created (or given this password) at start. The TLS material
   * is made afresh at every start in {@code dir/tls}: a self-signed certificate for 127.0.0.1 and
   * localhost, a truststore holding it. The broker keeps a PLAINTEXT listener on loopback for itself
   * (inter-broker traffic, creating the user); {@link #bootstrapServers()} names it.
   *
   * @param dir as in {@link #start(Path, int)}
   */
  public static EmbeddedKafka startSaslSsl(Path dir, int port, String username, String password) {
    return start(dir, port, username, password);
  }

  private static EmbeddedKafka start(Path dir, int port, String username, String password) {
    if (dir != null) {
      return start(dir, port, false, username, password);
    }
    try {
      return start(Files.createTempDirectory("foresight-kafka-"), port, true, username, password);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static EmbeddedKafka start(
      Path dir, int port, boolean deleteOnClose, String username, String password) {
    long started = System.nanoTime();
    boolean secured = username != null;
    // Made once: only the ports change between attempts (each keytool run is a JVM of its own).
    Tls tls = secured ? Tls.selfSigned(dir.resolve("tls")) : null;
    // A free port found now may be taken before the broker binds it: try again with fresh ports.
    RuntimeException failure = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      // With SASL_SSL, the clients' port is that listener's; the PLAINTEXT one takes any free port.
      int clientPort = port == 0 ? freePort() : port;
      int brokerPort = secured ? freePort() : clientPort;
      int controllerPort = freePort();
      KafkaRaftServer server = null;
      try {
        Path logs = dir.resolve("logs");
        Properties props = properties(logs, brokerPort, controllerPort);
        SaslSsl saslSsl = null;
        if (secured) {
          addSaslSslListener(props, clientPort, tls);
          saslSsl = new SaslSsl(HOST + ":" + clientPort, username, password, tls.truststore(), tls.truststorePassword());
        }
        KafkaConfig config = new KafkaConfig(props, false);
        format(config, logs);
        server = new KafkaRaftServer(config, Time.SYSTEM);
        server.startup();
        EmbeddedKafka kafka = new EmbeddedKafka(server, dir, deleteOnClose, brokerPort, saslSsl);
        kafka.awaitReady(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
        if (secured) {
          kafka.upsertUser(username, password);
          // Until the new credential reaches the broker's cache, logging in fails: wait it out.
          kafka.awaitReady(new HashMap<String, Object>(saslSsl.clientProperties()));
        }
        LOG.info("Kafka broker ready at {}{} in {} ms (logs in {})", kafka.bootstrapServers(),
            secured ? ", SASL_SSL at " + saslSsl.bootstrapServers() : "",
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

  /**
   * The {@code bootstrap.servers} value of the PLAINTEXT listener: {@code 127.0.0.1:port}. On a broker
   * of {@link #startSaslSsl}, that is the broker's own loopback listener; clients use {@link #saslSsl()}.
   */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** What a client needs to reach the SASL_SSL listener; null unless started by {@link #startSaslSsl}. */
  public SaslSsl saslSsl() {
    return saslSsl;
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

  /** The SASL_SSL listener: SCRAM-SHA-512 only, the server side of TLS from {@code tls}. */
  private static void addSaslSslListener(Properties props, int port, Tls tls) {
    String listener = "SASL_SSL://" + HOST + ":" + port;
    props.put("listeners", props.getProperty("listeners") + "," + listener);
    props.put("advertised.listeners", props.getProperty("advertised.listeners") + "," + listener);
    props.put("listener.security.protocol.map",
        props.getProperty("listener.security.protocol.map") + ",SASL_SSL:SASL_SSL");
    props.put("sasl.enabled.mechanisms", SASL_MECHANISM);
    // The broker's side of SCRAM needs a login module but no credentials of its own.
    props.put("listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config",
        "org.apache.kafka.common.security.scram.ScramLoginModule required;");
    props.put("ssl.keystore.type", "PKCS12");
    props.put("ssl.keystore.location", tls.keystore().toAbsolutePath().toString());
    props.put("ssl.keystore.password", tls.keystorePassword());
    props.put("ssl.key.password", tls.keystorePassword());
  }

  /**
   * Creates the SCRAM user, or gives it this password, over the PLAINTEXT listener. An upsert rather
   * than the formatter's SCRAM records, so a reused directory gets the user too.
   */
  private void upsertUser(String username, String password) {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
      admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(
              username, new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), password)))
          .all().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new IllegalStateException("Could not create SCRAM user " + username, e);
    }
  }

  /**
   * A self-signed certificate for 127.0.0.1 and localhost in a PKCS12 keystore, and a PKCS12 truststore
   * holding that certificate alone, made by the JDK's {@code keytool} (the JDK has no API for it).
   */
  record Tls(Path keystore, String keystorePassword, Path truststore, String truststorePassword) {

    static Tls selfSigned(Path dir) {
      try {
        Files.createDirectories(dir);
        Tls tls = new Tls(dir.resolve("broker.p12"), randomSecret(), dir.resolve("truststore.p12"), randomSecret());
        Path certificate = dir.resolve("broker.crt");
        for (Path old : List.of(tls.keystore(), tls.truststore(), certificate)) {
          Files.deleteIfExists(old); // keytool refuses to add an alias that exists
        }
        Map<String, String> env = Map.of(
            "KEYSTORE_PASSWORD", tls.keystorePassword(), "TRUSTSTORE_PASSWORD", tls.truststorePassword());
        keytool(env, "-genkeypair", "-alias", "broker", "-keyalg", "EC", "-groupname", "secp256r1",
            "-validity", "3650", "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost",
            "-storetype", "PKCS12", "-keystore", tls.keystore().toString(), "-storepass:env", "KEYSTORE_PASSWORD");
        keytool(env, "-exportcert", "-alias", "broker", "-file", certificate.toString(),
            "-storetype", "PKCS12", "-keystore", tls.keystore().toString(), "-storepass:env", "KEYSTORE_PASSWORD");
        keytool(env, "-importcert", "-noprompt", "-alias", "broker", "-file", certificate.toString(),
            "-storetype", "PKCS12", "-keystore", tls.truststore().toString(),
            "-storepass:env", "TRUSTSTORE_PASSWORD");
        return tls;
      } catch (IOException e) {
        throw new UncheckedIOException("Could not make TLS material in " + dir, e);
      }
    }

    /** Passwords go through the environment, not the command line, so {@code ps} does not show them. */
    private static void keytool(Map<String, String> env, String... args) throws IOException {
      Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
      List<String> command = new ArrayList<>(List.of(keytool.toString()));
      command.addAll(List.of(args));
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
      builder.environment().putAll(env);
      Process process = builder.start();
      try {
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
          throw new IllegalStateException("keytool " + args[0] + " failed: " + output.strip());
        }
      } catch (InterruptedException e) {
        process.destroy();
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted running keytool", e);
      }
    }
  }

  /** 144 random bits, URL-safe Base64: fits in a JAAS quoted string and a shell word as it is. */
  public static String randomSecret() {
    byte[] bytes = new byte[18];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
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

  /** Waits until an admin client of these properties gets an answer from the broker. */
  private void awaitReady(Map<String, Object> client) {
    Map<String, Object> config = new HashMap<>(client);
    config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
    String servers = String.valueOf(config.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG));
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
                + READY_TIMEOUT.toSeconds() + " s at " + servers, e);
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
