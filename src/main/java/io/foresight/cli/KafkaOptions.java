package io.foresight.cli;

import io.foresight.config.KafkaSettings;
import io.foresight.config.Settings;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code --bootstrap-servers} and {@code --kafka-property}: how a command reaches Kafka. Mixed into
 * every command that talks to a cluster; {@link #settings()} merges them with the properties file and
 * {@code FORESIGHT_KAFKA_*} variables ({@link KafkaSettings#of}).
 */
public final class KafkaOptions {

  // No annotation default: KafkaSettings falls back to a passed-through bootstrap.servers first.
  @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]",
      description = "Kafka bootstrap servers (env FORESIGHT_BOOTSTRAP_SERVERS, file key"
          + " bootstrap-servers; default " + KafkaSettings.DEFAULT_BOOTSTRAP_SERVERS + ").")
  String bootstrapServers;

  @Option(names = "--kafka-property", paramLabel = "KEY=VALUE",
      description = "Any Kafka client property, repeatable (security.protocol=SASL_SSL, ...);"
          + " overrides file keys kafka.* and FORESIGHT_KAFKA_* variables.")
  Map<String, String> kafkaProperties = new LinkedHashMap<>();

  @Spec(Spec.Target.MIXEE)
  CommandSpec mixee;

  /** The merged Kafka settings for this command. */
  public KafkaSettings settings() {
    return KafkaSettings.of(bootstrapServers, settingsOf(mixee), kafkaProperties);
  }

  /** The {@link Settings} installed on a command by {@link Main}, or none. */
  static Settings settingsOf(CommandSpec spec) {
    if (spec != null && spec.defaultValueProvider() instanceof Settings settings) {
      return settings;
    }
    return Settings.none();
  }
}
