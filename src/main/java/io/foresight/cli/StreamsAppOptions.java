package io.foresight.cli;

import io.foresight.ops.StateMemory;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;
import picocli.CommandLine.Option;

/**
 * {@code --application-id} and {@code --state-dir} of a Kafka Streams service ({@code ingest},
 * {@code scorer}). The application id names the consumer group, the changelog and repartition topics
 * and the state's folder, so each service has its own default and instances of one service share it.
 * Also what sizes and recovers its state: {@code --state-memory}, {@code --instance-id} and {@code
 * --standby-replicas}, each left to the Kafka properties ({@code FORESIGHT_KAFKA_*}) when not given.
 */
final class StreamsAppOptions {

  @Option(names = "--application-id", description = "Kafka Streams application id (default: ${DEFAULT-VALUE}).")
  String applicationId;

  @Option(names = "--state-dir", description = "Kafka Streams state directory (default: a folder under java.io.tmpdir).")
  Path stateDir;

  @Option(names = "--state-memory", paramLabel = "MiB",
      description = "RocksDB memory of all this process's stores: one shared block cache and memtable budget"
          + " (default: " + (StateMemory.DEFAULT_BUDGET_BYTES >> 20) + ").")
  Long stateMemoryMib;

  @Option(names = "--instance-id",
      description = "Static group membership (group.instance.id), unique per instance and stable across its"
          + " restarts (a StatefulSet pod's name): a restarted instance takes its tasks back at once instead of"
          + " after the session timeout (default: none).")
  String instanceId;

  @Option(names = "--standby-replicas",
      description = "Warm copies of each task's state on other instances (num.standby.replicas), so a"
          + " crashed instance's tasks move without replaying their changelogs (default: 0).")
  Integer standbyReplicas;

  /** No default constructor: a service without its own application id would share another's. */
  StreamsAppOptions(String defaultApplicationId) {
    this.applicationId = defaultApplicationId;
  }

  /** {@code client} with the options given here added (they win over the same Kafka properties). */
  Map<String, Object> apply(Map<String, Object> client) {
    Map<String, Object> all = new HashMap<>(client);
    if (stateMemoryMib != null) {
      all.put(StateMemory.BUDGET_CONFIG, stateMemoryMib << 20);
    }
    if (instanceId != null) {
      all.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instanceId);
    }
    if (standbyReplicas != null) {
      all.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, standbyReplicas);
    }
    return all;
  }

  /** {@code --state-dir}, or {@code foresight-SERVICE} under {@code java.io.tmpdir}. */
  Path stateDir(String service) {
    return stateDir != null ? stateDir : Path.of(System.getProperty("java.io.tmpdir"), "foresight-" + service);
  }
}
