package io.foresight.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.foresight.wire.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TopicDefinitionTest {

  @Test
  void theJarCarriesOneDefinitionPerTopicName() {
    List<TopicDefinition> definitions = TopicDefinition.load();

    assertThat(definitions).extracting(TopicDefinition::name).containsExactlyElementsOf(Topics.ALL);
    assertThat(definitions).allSatisfy(d -> assertThat(d.configs()).containsKey("cleanup.policy"));
  }

  @Test
  void theRepositoryFolderAndTheJarAgree() {
    assertThat(TopicDefinition.loadFrom(Path.of("topics"))).isEqualTo(TopicDefinition.load());
  }

  @Test
  void partitionsAndReplicationAreNotTopicConfigs(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("t.properties"),
        "# comment\npartitions=3\nreplication.factor=2\nretention.ms=-1\n");

    assertThat(TopicDefinition.loadFrom(dir))
        .containsExactly(new TopicDefinition("t", 3, (short) 2, Map.of("retention.ms", "-1")));
  }

  @Test
  void aDefinitionWithoutPartitionsIsRejected() {
    assertThatThrownBy(() -> TopicDefinition.parse("t", "retention.ms=1\n"))
        .hasMessageContaining("t.properties")
        .hasMessageContaining("partitions");
  }
}
