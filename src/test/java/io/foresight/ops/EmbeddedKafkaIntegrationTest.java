package io.foresight.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;

/**
 * The in-process broker itself, always in this JVM whichever broker {@link SharedBroker} chose: it
 * starts on loopback with its one-node settings and closes idempotently. What runs on it (transactions,
 * topics) is {@link BrokerIntegrationTest}'s. Run alone with
 * {@code mvn -B verify -Dit.test=EmbeddedKafkaIntegrationTest -Dtest=skip -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class EmbeddedKafkaIntegrationTest {

  @Test
  void startsOnLoopbackWithOneNodeSettingsAndClosesIdempotently() throws Exception {
    long started = System.nanoTime();
    EmbeddedKafka kafka = EmbeddedKafka.start();
    try {
      System.out.printf("broker ready in %d ms%n", (System.nanoTime() - started) / 1_000_000);
      assertThat(kafka.bootstrapServers()).matches("127\\.0\\.0\\.1:\\d+");
      try (Admin admin =
          Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
        assertThat(admin.describeCluster().nodes().get()).hasSize(1);
        ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, "1");
        Config config = admin.describeConfigs(List.of(broker)).all().get().get(broker);
        assertThat(config.get("auto.create.topics.enable").value()).isEqualTo("false");
        assertThat(config.get("message.max.bytes").value())
            .isEqualTo(String.valueOf(EmbeddedKafka.MAX_MESSAGE_BYTES));
      }
    } finally {
      kafka.close();
    }
    kafka.close(); // idempotent
  }
}
