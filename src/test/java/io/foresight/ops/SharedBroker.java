package io.foresight.ops;

import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/**
 * One broker for every integration test in the JVM, with Foresight's topics applied: an
 * {@value #IMAGE} container where a Docker engine answers, the in-process {@link EmbeddedKafka}
 * otherwise, so that one suite runs on two brokers. {@code -Dforesight.test.broker=container} or
 * {@code =embedded} forces one; forcing the container where no Docker engine answers fails the tests
 * that need the broker, with a message saying so, rather than quietly skipping them. Chosen and
 * started on first use, stopped when the JVM exits. Tests use their own application ids and topics
 * (or read what they wrote) so they do not see each other's records.
 */
public final class SharedBroker {

  /** The system property that forces a broker: {@code container} or {@code embedded}. */
  public static final String PROPERTY = "foresight.test.broker";

  /** The container's image: the Kafka release of {@code kafka.version} in pom.xml. */
  public static final String IMAGE = "apache/kafka:4.3.1";

  /** Which broker the tests run on. */
  public enum Kind { CONTAINER, EMBEDDED }

  /** A broker and why it was chosen, in words for the log. */
  record Choice(Kind kind, String reason) {}

  private static final Logger LOG = LoggerFactory.getLogger(SharedBroker.class);

  private static Kind kind;
  private static String bootstrapServers;
  private static RuntimeException failure;

  private SharedBroker() {}

  /** The {@code bootstrap.servers} value for clients; starts the broker on first use. */
  public static synchronized String bootstrapServers() {
    start();
    return bootstrapServers;
  }

  /** The broker in use; starts it on first use. */
  public static synchronized Kind kind() {
    start();
    return kind;
  }

  /**
   * The broker for a value of {@value #PROPERTY} (null or blank: none given); Docker is probed only
   * when the choice depends on it.
   *
   * @throws IllegalStateException when the container is forced and no Docker engine answers
   * @throws IllegalArgumentException for a value other than {@code container} or {@code embedded}
   */
  static Choice choose(String property, BooleanSupplier dockerAvailable) {
    if (property == null || property.isBlank()) {
      return dockerAvailable.getAsBoolean()
          ? new Choice(Kind.CONTAINER, "Docker engine found: " + IMAGE + " container")
          : new Choice(Kind.EMBEDDED, "no Docker engine: in-process broker");
    }
    String forced = "-D" + PROPERTY + "=" + property.trim();
    switch (property.trim().toLowerCase(Locale.ROOT)) {
      case "embedded":
        return new Choice(Kind.EMBEDDED, forced + ": in-process broker");
      case "container":
        if (!dockerAvailable.getAsBoolean()) {
          throw new IllegalStateException(forced + " but no Docker engine answers: start one, or"
              + " leave the property out to run on the in-process broker");
        }
        return new Choice(Kind.CONTAINER, forced + ": " + IMAGE + " container");
      default:
        throw new IllegalArgumentException(forced + ": expected container or embedded");
    }
  }

  private static void start() {
    if (failure != null) {
      throw failure; // one attempt per JVM: every later test fails at once with the same message
    }
    if (bootstrapServers != null) {
      return;
    }
    try {
      Choice choice = choose(System.getProperty(PROPERTY),
          () -> DockerClientFactory.instance().isDockerAvailable());
      String servers = choice.kind() == Kind.CONTAINER ? startContainer() : startEmbedded();
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", servers))) {
        TopicAdmin.apply(admin, TopicDefinition.load(), null);
      } catch (Exception e) {
        throw new IllegalStateException("could not create Foresight's topics on " + servers, e);
      }
      LOG.info("Integration tests' broker: {} at {}", choice.reason(), servers);
      kind = choice.kind();
      bootstrapServers = servers;
    } catch (RuntimeException e) {
      failure = e;
      throw e;
    }
  }

  private static String startEmbedded() {
    EmbeddedKafka broker = EmbeddedKafka.start();
    Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "shared-broker-shutdown"));
    return broker.bootstrapServers();
  }

  /** The container with the settings {@link EmbeddedKafka} has and the image's defaults lack. */
  @SuppressWarnings("resource") // stopped at JVM exit
  private static String startContainer() {
    KafkaContainer container = new KafkaContainer(IMAGE)
        .withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false")
        .withEnv("KAFKA_MESSAGE_MAX_BYTES", String.valueOf(EmbeddedKafka.MAX_MESSAGE_BYTES))
        .withEnv("KAFKA_REPLICA_FETCH_MAX_BYTES", String.valueOf(EmbeddedKafka.MAX_MESSAGE_BYTES));
    container.start();
    Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "shared-broker-shutdown"));
    return container.getBootstrapServers();
  }
}
