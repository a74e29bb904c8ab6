package io.foresight.ops;

import java.util.Map;
import org.apache.kafka.clients.admin.Admin;

/**
 * One in-process broker for every integration test in the JVM, with Foresight's topics applied;
 * started on first use and stopped when the JVM exits. Tests use their own application ids and topics
 * (or read what they wrote) so they do not see each other's records.
 */
public final class SharedBroker {

  private static EmbeddedKafka broker;

  private SharedBroker() {}

  public static synchronized String bootstrapServers() {
    if (broker == null) {
      broker = EmbeddedKafka.start();
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
        TopicAdmin.apply(admin, TopicDefinition.load(), null);
      } catch (Exception e) {
        throw new IllegalStateException("could not create Foresight's topics", e);
      }
      EmbeddedKafka started = broker;
      Runtime.getRuntime().addShutdownHook(new Thread(started::close, "shared-broker-shutdown"));
    }
    return broker.bootstrapServers();
  }
}
