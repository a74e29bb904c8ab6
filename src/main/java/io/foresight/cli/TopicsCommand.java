package io.foresight.cli;

import io.foresight.ops.TopicAdmin;
import io.foresight.ops.TopicDefinition;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code topics}: creates Foresight's topics, or brings them to their definitions; safe to run again.
 * Prints one line per topic: created, updated (with what changed) or unchanged.
 */
@Command(name = "topics", mixinStandardHelpOptions = true,
    description = "Create or update Foresight's topics from their definitions (topics/).")
final class TopicsCommand implements Callable<Integer> {

  @Mixin KafkaOptions kafka;

  @Option(names = "--replication-factor", paramLabel = "N",
      description = "Replication factor for topics created now, instead of the definitions' (1);"
          + " 3 on a production cluster.")
  Short replicationFactor;

  @Option(names = "--dir", paramLabel = "DIR",
      description = "Read the definitions from this folder instead of those the jar carries.")
  Path dir;

  @Override
  public Integer call() throws Exception {
    List<TopicDefinition> definitions = dir == null ? TopicDefinition.load() : TopicDefinition.loadFrom(dir);
    try (Admin admin = Admin.create(kafka.settings().clientProperties())) {
      for (TopicAdmin.Result result : TopicAdmin.apply(admin, definitions, replicationFactor)) {
        System.out.println(result);
      }
    }
    return 0;
  }
}
