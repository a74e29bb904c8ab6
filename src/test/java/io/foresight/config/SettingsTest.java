package io.foresight.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.foresight.cli.KafkaOptions;
import io.foresight.cli.MetricsOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

class SettingsTest {

  /** A command with the shared options, parsed the way Main parses every command. */
  @Command(name = "probe")
  static final class Probe {
    @Mixin MetricsOptions metrics;
    @Mixin KafkaOptions kafka;
  }

  private static Probe parse(Settings settings, String... args) {
    Probe probe = new Probe();
    new CommandLine(probe).setDefaultValueProvider(settings).parseArgs(args);
    return probe;
  }

  private static Properties file(String key, String value) {
    Properties properties = new Properties();
    properties.setProperty(key, value);
    return properties;
  }

  @Test
  void theOptionDefaultAppliesWhenNothingElseSaysOtherwise() {
    assertThat(parse(Settings.none()).metrics.port()).isEqualTo(9464);
  }

  @Test
  void theFileOverridesTheOptionDefault() {
    Settings settings = new Settings(Map.of(), file("metrics-port", "9000"));

    assertThat(parse(settings).metrics.port()).isEqualTo(9000);
  }

  @Test
  void theEnvironmentOverridesTheFile() {
    Settings settings =
        new Settings(Map.of("FORESIGHT_METRICS_PORT", "9100"), file("metrics-port", "9000"));

    assertThat(parse(settings).metrics.port()).isEqualTo(9100);
  }

  @Test
  void aFlagOverridesTheEnvironment() {
    Settings settings =
        new Settings(Map.of("FORESIGHT_METRICS_PORT", "9100"), file("metrics-port", "9000"));

    assertThat(parse(settings, "--metrics-port", "0").metrics.port()).isZero();
  }

  @Test
  void bootstrapServersFollowTheSamePrecedence() {
    assertThat(parse(Settings.none()).kafka.settings().bootstrapServers())
        .isEqualTo("localhost:9092");
    Settings fromFile = new Settings(Map.of(), file("bootstrap-servers", "file:9092"));
    assertThat(parse(fromFile).kafka.settings().bootstrapServers()).isEqualTo("file:9092");
    Settings fromEnv =
        new Settings(Map.of("FORESIGHT_BOOTSTRAP_SERVERS", "env:9092"), file("bootstrap-servers", "file:9092"));
    assertThat(parse(fromEnv).kafka.settings().bootstrapServers()).isEqualTo("env:9092");
    assertThat(parse(fromEnv, "--bootstrap-servers", "flag:9092").kafka.settings().bootstrapServers())
        .isEqualTo("flag:9092");
  }

  @Test
  void foresightKafkaVariablesReachTheClientPropertiesInKafkasSpelling() {
    Settings settings = new Settings(Map.of(
        "FORESIGHT_KAFKA_SASL_MECHANISM", "SCRAM-SHA-512",
        "FORESIGHT_KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
        "HOME", "/root"), new Properties());

    Map<String, Object> client = parse(settings).kafka.settings().clientProperties();

    assertThat(client).containsExactlyInAnyOrderEntriesOf(Map.of(
        "bootstrap.servers", "localhost:9092",
        "sasl.mechanism", "SCRAM-SHA-512",
        "security.protocol", "SASL_SSL"));
  }

  @Test
  void clientPropertiesTakeFileThenEnvironmentThenFlags() {
    Properties file = new Properties();
    file.setProperty("kafka.client.id", "from-file");
    file.setProperty("kafka.acks", "1");
    file.setProperty("kafka.linger.ms", "5");
    Settings settings = new Settings(Map.of(
        "FORESIGHT_KAFKA_ACKS", "all",
        "FORESIGHT_KAFKA_LINGER_MS", "10"), file);

    Map<String, Object> client =
        parse(settings, "--kafka-property", "linger.ms=20").kafka.settings().clientProperties();

    assertThat(client)
        .containsEntry("client.id", "from-file")
        .containsEntry("acks", "all")
        .containsEntry("linger.ms", "20");
  }

  @Test
  void aPassedThroughBootstrapServersCountsOnlyWhenTheOptionIsUnset() {
    Settings settings = new Settings(Map.of("FORESIGHT_KAFKA_BOOTSTRAP_SERVERS", "pass:9092"),
        new Properties());

    assertThat(parse(settings).kafka.settings().clientProperties())
        .containsEntry("bootstrap.servers", "pass:9092");
    assertThat(parse(settings, "--bootstrap-servers", "flag:9092").kafka.settings().clientProperties())
        .containsEntry("bootstrap.servers", "flag:9092");
  }

  @Test
  void loadReadsTheFileNamedByForesightConfig(@TempDir Path dir) throws Exception {
    Path path = dir.resolve("foresight.properties");
    Files.writeString(path, "metrics-port=9200\nkafka.security.protocol=SSL\n");

    Settings settings = Settings.load(Map.of("FORESIGHT_CONFIG", path.toString()), null);

    assertThat(settings.get("metrics-port")).isEqualTo("9200");
    assertThat(settings.kafkaProperties()).containsExactly(Map.entry("security.protocol", "SSL"));
    assertThatThrownBy(() -> Settings.load(Map.of(), dir.resolve("absent.properties")))
        .hasMessageContaining("absent.properties");
  }
}
