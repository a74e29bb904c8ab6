package io.foresight.config;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;

/**
 * Everything a Kafka client of Foresight's needs to connect: the bootstrap servers and any client
 * properties passed through (security, SASL, TLS, timeouts), already merged by precedence. Services
 * start from {@link #clientProperties()} and add their own (serdes, group id, transactional id).
 *
 * @param bootstrapServers the {@code bootstrap.servers} value
 * @param properties client properties passed through, without {@code bootstrap.servers}
 */
public record KafkaSettings(String bootstrapServers, Map<String, String> properties) {

  /** Where clients connect when nothing says otherwise. */
  public static final String DEFAULT_BOOTSTRAP_SERVERS = "localhost:9092";

  public KafkaSettings {
    properties = Map.copyOf(properties);
  }

  /**
   * Merges the sources, lowest precedence first: the file's {@code kafka.*} keys, then
   * {@code FORESIGHT_KAFKA_*} variables (both from {@code settings}), then {@code flags}
   * ({@code --kafka-property key=value}). {@code bootstrap.servers} is {@code bootstrapServers} when
   * given (the {@code --bootstrap-servers} option, which has its own flag &gt; environment &gt; file
   * precedence), else a pass-through {@code bootstrap.servers}, else {@value #DEFAULT_BOOTSTRAP_SERVERS}.
   *
   * @param bootstrapServers the {@code --bootstrap-servers} value, or null when nothing set it
   */
  public static KafkaSettings of(
      String bootstrapServers, Settings settings, Map<String, String> flags) {
    Map<String, String> merged = new LinkedHashMap<>(settings.kafkaProperties());
    if (flags != null) {
      merged.putAll(flags);
    }
    String passedThrough = merged.remove(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
    String bootstrap = bootstrapServers != null && !bootstrapServers.isBlank() ? bootstrapServers
        : passedThrough != null ? passedThrough
        : DEFAULT_BOOTSTRAP_SERVERS;
    return new KafkaSettings(bootstrap, merged);
  }

  /** {@code bootstrap.servers} plus the pass-through properties, ready for any Kafka client. */
  public Map<String, Object> clientProperties() {
    Map<String, Object> client = new LinkedHashMap<>();
    client.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    client.putAll(properties);
    return client;
  }

  /** The same settings against other bootstrap servers (the in-process broker of {@code demo}). */
  public KafkaSettings withBootstrapServers(String servers) {
    return new KafkaSettings(servers, properties);
  }
}
