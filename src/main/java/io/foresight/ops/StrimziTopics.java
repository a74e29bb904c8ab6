package io.foresight.ops;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Renders the {@code topics/} definitions as Strimzi {@code KafkaTopic} resources
 * ({@code kafka.strimzi.io/v1beta2}), so that a Kubernetes cluster run by the Strimzi topic operator gets
 * the same topics the {@code topics} command creates elsewhere. {@code k8s/base/topics.yaml} is this
 * rendering, and a test fails when it is stale.
 *
 * <p>Replication is a deployment's choice, not a topic's: the definitions say 1 (a laptop broker), the
 * rendering takes the replication factor as a parameter ({@value #DEFAULT_REPLICAS} for production). With 3
 * or more replicas each topic also gets {@code min.insync.replicas=2} unless its definition sets it, so that
 * the exactly-once services keep writing through the loss of one broker and never acknowledge a write only
 * one broker holds.
 */
public final class StrimziTopics {

  /** The replication factor of a production rendering. */
  public static final int DEFAULT_REPLICAS = 3;
  /** The Strimzi {@code Kafka} resource the topics belong to (label {@code strimzi.io/cluster}). */
  public static final String DEFAULT_CLUSTER = "foresight";

  static final String MIN_INSYNC_REPLICAS = "min.insync.replicas";
  private static final Pattern NUMBER = Pattern.compile("-?[0-9]+");

  private StrimziTopics() {}

  /** {@link #render(List, String, int)} with {@value #DEFAULT_REPLICAS} replicas. */
  public static String render(List<TopicDefinition> definitions, String cluster) {
    return render(definitions, cluster, DEFAULT_REPLICAS);
  }

  /**
   * One YAML document per topic, in the definitions' order, after a comment saying where the file comes
   * from. The definitions' own replication factors are ignored in favour of {@code replicas}.
   */
  public static String render(List<TopicDefinition> definitions, String cluster, int replicas) {
    if (replicas < 1) {
      throw new IllegalArgumentException("replicas must be at least 1, not " + replicas);
    }
    StringBuilder yaml = new StringBuilder();
    yaml.append("# Rendered from topics/ by `foresight topics --render-strimzi FILE")
        .append(cluster.equals(DEFAULT_CLUSTER) ? "" : " --strimzi-cluster " + cluster)
        .append(replicas == DEFAULT_REPLICAS ? "" : " --replication-factor " + replicas)
        .append("`;\n# edit topics/ and render again rather than editing this file.\n");
    for (TopicDefinition topic : definitions) {
      Map<String, String> config = new TreeMap<>(topic.configs());
      if (replicas >= 3) {
        config.putIfAbsent(MIN_INSYNC_REPLICAS, "2");
      }
      yaml.append("---\n")
          .append("apiVersion: kafka.strimzi.io/v1beta2\n")
          .append("kind: KafkaTopic\n")
          .append("metadata:\n")
          .append("  name: ").append(scalar(topic.name())).append('\n')
          .append("  labels:\n")
          .append("    strimzi.io/cluster: ").append(scalar(cluster)).append('\n')
          .append("spec:\n")
          .append("  topicName: ").append(scalar(topic.name())).append('\n')
          .append("  partitions: ").append(topic.partitions()).append('\n')
          .append("  replicas: ").append(replicas).append('\n');
      if (!config.isEmpty()) {
        yaml.append("  config:\n");
        config.forEach((key, value) ->
            yaml.append("    ").append(key).append(": ").append(scalar(value)).append('\n'));
      }
    }
    return yaml.toString();
  }

  /** Whole numbers bare (Strimzi takes them as numbers), names as they are, anything else quoted. */
  private static String scalar(String value) {
    if (NUMBER.matcher(value).matches() || value.matches("[a-z][a-z0-9.,_-]*")
        && !List.of("true", "false", "null", "yes", "no", "on", "off", "y", "n").contains(value)) {
      return value;
    }
    return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }
}
