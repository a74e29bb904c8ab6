package io.foresight.ops;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.RetriableException;

/**
 * Brings a cluster's topics to what {@link TopicDefinition}s say, and checks that they exist.
 * {@link #apply} is idempotent: it creates missing topics, sets configs that differ, and raises
 * partition counts that are lower than defined; it returns once every partition has a leader, so that
 * callers can produce at once. It never lowers partitions (Kafka cannot), never
 * deletes topics, and leaves configs the definition does not name as they are.
 */
public final class TopicAdmin {

  /** What {@link #apply} did to one topic. */
  public enum Action { CREATED, UPDATED, UNCHANGED }

  /**
   * The outcome for one topic.
   *
   * @param name the topic
   * @param action created, updated or unchanged
   * @param changes what changed, in words ({@code retention.ms=86400000}, {@code partitions 1 -> 4});
   *     empty when created or unchanged
   */
  public record Result(String name, Action action, List<String> changes) {

    /** One line for the {@code topics} command: {@code foresight.windows updated (retention.ms=...)}. */
    @Override
    public String toString() {
      String line = name + " " + action.name().toLowerCase(java.util.Locale.ROOT);
      return changes.isEmpty() ? line : line + " (" + String.join(", ", changes) + ")";
    }
  }

  private static final Duration AWAIT_PARTITIONS = Duration.ofSeconds(30);

  private TopicAdmin() {}

  /**
   * Applies definitions: creates, updates or leaves each topic, in the order given.
   *
   * @param replicationOverride the replication factor for topics created now, instead of the
   *     definitions' (3 on a production cluster, say); null to use the definitions'
   */
  public static List<Result> apply(
      Admin admin, List<TopicDefinition> definitions, Short replicationOverride)
      throws InterruptedException, ExecutionException {
    Set<String> existing = admin.listTopics().names().get();
    List<NewTopic> toCreate = new ArrayList<>();
    List<String> toUpdate = new ArrayList<>();
    for (TopicDefinition definition : definitions) {
      if (existing.contains(definition.name())) {
        toUpdate.add(definition.name());
      } else {
        short replication =
            replicationOverride != null ? replicationOverride : definition.replicationFactor();
        toCreate.add(new NewTopic(definition.name(), definition.partitions(), replication)
            .configs(definition.configs()));
      }
    }
    Map<String, Integer> expectedPartitions = new LinkedHashMap<>();
    if (!toCreate.isEmpty()) {
      admin.createTopics(toCreate).all().get();
      toCreate.forEach(topic -> expectedPartitions.put(topic.name(), topic.numPartitions()));
    }

    Map<String, List<String>> changes = new HashMap<>();
    if (!toUpdate.isEmpty()) {
      Map<String, TopicDescription> descriptions = admin.describeTopics(toUpdate).allTopicNames().get();
      List<ConfigResource> resources = toUpdate.stream()
          .map(name -> new ConfigResource(ConfigResource.Type.TOPIC, name))
          .toList();
      Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all().get();
      Map<ConfigResource, Collection<AlterConfigOp>> alterations = new LinkedHashMap<>();
      Map<String, NewPartitions> morePartitions = new LinkedHashMap<>();
      for (TopicDefinition definition : definitions) {
        if (!toUpdate.contains(definition.name())) {
          continue;
        }
        List<String> topicChanges = changes.computeIfAbsent(definition.name(), k -> new ArrayList<>());
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, definition.name());
        Config current = configs.get(resource);
        List<AlterConfigOp> ops = new ArrayList<>();
        for (Map.Entry<String, String> entry : definition.sortedConfigs().entrySet()) {
          ConfigEntry now = current.get(entry.getKey());
          if (now == null || !entry.getValue().equals(now.value())) {
            ops.add(new AlterConfigOp(
                new ConfigEntry(entry.getKey(), entry.getValue()), AlterConfigOp.OpType.SET));
            topicChanges.add(entry.getKey() + "=" + entry.getValue());
          }
        }
        if (!ops.isEmpty()) {
          alterations.put(resource, ops);
        }
        int partitions = descriptions.get(definition.name()).partitions().size();
        if (partitions < definition.partitions()) {
          morePartitions.put(definition.name(), NewPartitions.increaseTo(definition.partitions()));
          topicChanges.add("partitions " + partitions + " -> " + definition.partitions());
        }
      }
      if (!alterations.isEmpty()) {
        admin.incrementalAlterConfigs(alterations).all().get();
      }
      if (!morePartitions.isEmpty()) {
        admin.createPartitions(morePartitions).all().get();
        morePartitions.forEach((name, more) -> expectedPartitions.put(name, more.totalCount()));
      }
    }
    awaitPartitions(admin, expectedPartitions);

    List<Result> results = new ArrayList<>();
    for (TopicDefinition definition : definitions) {
      List<String> topicChanges = changes.getOrDefault(definition.name(), List.of());
      Action action = !toUpdate.contains(definition.name()) ? Action.CREATED
          : topicChanges.isEmpty() ? Action.UNCHANGED : Action.UPDATED;
      results.add(new Result(definition.name(), action, List.copyOf(topicChanges)));
    }
    return results;
  }

  /**
   * Waits until the cluster serves every partition of the topics just created or grown: each has a
   * leader in the metadata and that leader answers a ListOffsets for it. The controller acknowledges
   * creation before brokers serve it, and a broker publishes itself as leader in its metadata a moment
   * before its log manager is ready; an idempotent producer whose first batches met that moment
   * (NOT_LEADER_OR_FOLLOWER) was seen retrying OUT_OF_ORDER_SEQUENCE_NUMBER for minutes on the
   * in-process broker. Callers produce right after this returns.
   */
  private static void awaitPartitions(Admin admin, Map<String, Integer> expected)
      throws InterruptedException, ExecutionException {
    if (expected.isEmpty()) {
      return;
    }
    long deadline = System.nanoTime() + AWAIT_PARTITIONS.toNanos();
    while (true) {
      try {
        Map<String, TopicDescription> described =
            admin.describeTopics(expected.keySet()).allTopicNames().get();
        boolean served = expected.entrySet().stream().allMatch(entry -> {
          TopicDescription description = described.get(entry.getKey());
          return description.partitions().size() >= entry.getValue()
              && description.partitions().stream().allMatch(p -> p.leader() != null);
        });
        if (served && leadersAnswer(admin, described)) {
          return;
        }
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof RetriableException)) {
          throw e;
        }
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("Topics created but not served within "
            + AWAIT_PARTITIONS.toSeconds() + " s: " + expected.keySet());
      }
      Thread.sleep(50);
    }
  }

  /** Whether every partition's leader answers a ListOffsets (latest) for it now. */
  private static boolean leadersAnswer(Admin admin, Map<String, TopicDescription> described)
      throws InterruptedException, ExecutionException {
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    described.values().forEach(description -> description.partitions().forEach(p ->
        latest.put(new TopicPartition(description.name(), p.partition()), OffsetSpec.latest())));
    try {
      admin.listOffsets(latest, new ListOffsetsOptions().timeoutMs(1_000)).all().get();
      return true;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RetriableException) {
        return false;
      }
      throw e;
    }
  }

  /**
   * Fails unless every named topic exists. Services call this at start, so that a missing topic is one
   * clear message rather than a client retrying for ever.
   *
   * @throws MissingTopicsException naming the missing topics and how to create them
   */
  public static void requireTopics(Admin admin, Collection<String> names)
      throws InterruptedException, ExecutionException {
    Set<String> existing = admin.listTopics().names().get();
    Set<String> missing = new TreeSet<>(names);
    missing.removeAll(existing);
    if (!missing.isEmpty()) {
      throw new MissingTopicsException(missing);
    }
  }

  /** Thrown by {@link #requireTopics} when topics are missing. */
  public static final class MissingTopicsException extends IllegalStateException {

    private final Set<String> missing;

    MissingTopicsException(Set<String> missing) {
      super("Missing Kafka topics: " + String.join(", ", missing)
          + ". Create them with: foresight topics --bootstrap-servers <host:port>"
          + " [--replication-factor N] (definitions under topics/)");
      this.missing = Set.copyOf(missing);
    }

    /** The topics that do not exist. */
    public Set<String> missing() {
      return missing;
    }
  }
}
