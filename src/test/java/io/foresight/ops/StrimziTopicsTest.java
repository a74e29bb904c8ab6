package io.foresight.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.foresight.cli.Main;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StrimziTopicsTest {

  private static final YAMLMapper YAML = new YAMLMapper();

  private static List<JsonNode> documents(String yaml) throws Exception {
    return YAML.readerFor(JsonNode.class).<JsonNode>readValues(yaml).readAll();
  }

  @Test
  void eachDefinitionBecomesAKafkaTopicWithItsPartitionsAndConfigs() throws Exception {
    TopicDefinition models = new TopicDefinition("foresight.models", 1, (short) 1,
        Map.of("cleanup.policy", "compact", "max.message.bytes", "67108864"));

    List<JsonNode> topics = documents(StrimziTopics.render(List.of(models), "prod", 3));

    assertThat(topics).hasSize(1);
    JsonNode topic = topics.get(0);
    assertThat(topic.path("apiVersion").asText()).isEqualTo("kafka.strimzi.io/v1beta2");
    assertThat(topic.path("kind").asText()).isEqualTo("KafkaTopic");
    assertThat(topic.path("metadata").path("name").asText()).isEqualTo("foresight.models");
    assertThat(topic.path("metadata").path("labels").path("strimzi.io/cluster").asText()).isEqualTo("prod");
    assertThat(topic.path("spec").path("topicName").asText()).isEqualTo("foresight.models");
    assertThat(topic.path("spec").path("partitions").asInt()).isEqualTo(1);
    assertThat(topic.path("spec").path("replicas").asInt()).isEqualTo(3);
    JsonNode config = topic.path("spec").path("config");
    assertThat(config.path("cleanup.policy").asText()).isEqualTo("compact");
    assertThat(config.path("max.message.bytes").isIntegralNumber()).isTrue();
    assertThat(config.path("max.message.bytes").asLong()).isEqualTo(67108864L);
    assertThat(config.path("min.insync.replicas").asInt()).isEqualTo(2);
  }

  @Test
  void minInsyncReplicasOnlyWithThreeReplicasAndNeverOverADefinitionsOwn() throws Exception {
    TopicDefinition own = new TopicDefinition("t", 2, (short) 1, Map.of("min.insync.replicas", "3"));
    TopicDefinition plain = new TopicDefinition("u", 2, (short) 1, Map.of("retention.ms", "-1"));

    List<JsonNode> three = documents(StrimziTopics.render(List.of(own, plain), "c", 5));
    List<JsonNode> one = documents(StrimziTopics.render(List.of(plain), "c", 1));

    assertThat(three.get(0).path("spec").path("config").path("min.insync.replicas").asInt()).isEqualTo(3);
    assertThat(three.get(1).path("spec").path("config").path("min.insync.replicas").asInt()).isEqualTo(2);
    assertThat(three.get(1).path("spec").path("config").path("retention.ms").asLong()).isEqualTo(-1L);
    assertThat(one.get(0).path("spec").path("config").has("min.insync.replicas")).isFalse();
    assertThatThrownBy(() -> StrimziTopics.render(List.of(plain), "c", 0)).hasMessageContaining("replicas");
  }

  @Test
  void valuesYamlWouldMisreadAreQuoted() throws Exception {
    TopicDefinition odd = new TopicDefinition("t", 1, (short) 1,
        Map.of("a", "true", "b", "has: colon", "c", "compact,delete"));

    JsonNode config = documents(StrimziTopics.render(List.of(odd), "c", 1)).get(0).path("spec").path("config");

    assertThat(config.path("a").isTextual()).isTrue();
    assertThat(config.path("a").asText()).isEqualTo("true");
    assertThat(config.path("b").asText()).isEqualTo("has: colon");
    assertThat(config.path("c").asText()).isEqualTo("compact,delete");
  }

  @Test
  void theTopicsCommandRendersWithoutContactingKafka(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("k8s/topics.yaml");

    int code = Main.run("topics", "--bootstrap-servers", "127.0.0.1:1", "--render-strimzi", out.toString(),
        "--replication-factor", "2", "--strimzi-cluster", "other");

    assertThat(code).isZero();
    assertThat(Files.readString(out)).isEqualTo(StrimziTopics.render(TopicDefinition.load(), "other", 2))
        .contains("--strimzi-cluster other --replication-factor 2");
  }
}
