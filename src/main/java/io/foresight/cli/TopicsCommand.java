package io.foresight.cli;

import io.foresight.ops.StrimziTopics;
import io.foresight.ops.TopicAdmin;
import io.foresight.ops.TopicDefinition;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code topics}: creates Foresight's topics, or brings them to their definitions; safe to run again.
 * Prints one line per topic: created, updated (with what changed) or unchanged. With
 * {@code --render-strimzi FILE} it contacts no Kafka and writes the definitions as Strimzi
 * {@code KafkaTopic} resources instead ({@link StrimziTopics}; {@code k8s/base/topics.yaml}).
 */
@Command(name = "topics", mixinStandardHelpOptions = true,
    description = {"Create or update Foresight's topics from their definitions (topics/).",
        "With --render-strimzi, write them as Strimzi KafkaTopic resources instead (no Kafka contacted):"
            + " foresight topics --render-strimzi k8s/base/topics.yaml"})
final class TopicsCommand implements Callable<Integer> {

  @Mixin KafkaOptions kafka;

  @Option(names = "--replication-factor", paramLabel = "N",
      description = "Replication factor for topics created now, instead of the definitions' (1);"
          + " 3 on a production cluster. With --render-strimzi: the KafkaTopics' replicas (default "
          + StrimziTopics.DEFAULT_REPLICAS + ").")
  Short replicationFactor;

  @Option(names = "--render-strimzi", paramLabel = "FILE",
      description = "Write Strimzi KafkaTopic resources (kafka.strimzi.io/v1beta2) for the definitions to"
          + " FILE ('-' for standard output) and exit without contacting Kafka.")
  Path renderStrimzi;

  @Option(names = "--strimzi-cluster", paramLabel = "NAME", defaultValue = StrimziTopics.DEFAULT_CLUSTER,
      description = "With --render-strimzi: the Strimzi Kafka resource, label strimzi.io/cluster"
          + " (default: ${DEFAULT-VALUE}).")
  String strimziCluster;

  @Option(names = "--dir", paramLabel = "DIR",
      description = "Read the definitions from this folder instead of those the jar carries.")
  Path dir;

  @Override
  public Integer call() throws Exception {
    List<TopicDefinition> definitions = dir == null ? TopicDefinition.load() : TopicDefinition.loadFrom(dir);
    if (renderStrimzi != null) {
      String yaml = StrimziTopics.render(definitions, strimziCluster,
          replicationFactor != null ? replicationFactor : StrimziTopics.DEFAULT_REPLICAS);
      if (renderStrimzi.toString().equals("-")) {
        System.out.print(yaml);
      } else {
        Path parent = renderStrimzi.toAbsolutePath().getParent();
        if (parent != null) {
          Files.createDirectories(parent);
        }
        Files.writeString(renderStrimzi, yaml, StandardCharsets.UTF_8);
        System.out.println("wrote " + definitions.size() + " KafkaTopic resources to " + renderStrimzi);
      }
      return 0;
    }
    try (Admin admin = Admin.create(kafka.settings().clientProperties())) {
      for (TopicAdmin.Result result : TopicAdmin.apply(admin, definitions, replicationFactor)) {
        System.out.println(result);
      }
    }
    return 0;
  }
}
