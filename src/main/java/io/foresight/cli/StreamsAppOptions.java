package io.foresight.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --application-id} and {@code --state-dir} of a Kafka Streams service ({@code ingest},
 * {@code scorer}). The application id names the consumer group, the changelog and repartition topics
 * and the state's folder, so each service has its own default and instances of one service share it.
 */
final class StreamsAppOptions {

  @Option(names = "--application-id", description = "Kafka Streams application id (default: ${DEFAULT-VALUE}).")
  String applicationId;

  @Option(names = "--state-dir", description = "Kafka Streams state directory (default: a folder under java.io.tmpdir).")
  Path stateDir;

  /** No default constructor: a service without its own application id would share another's. */
  StreamsAppOptions(String defaultApplicationId) {
    this.applicationId = defaultApplicationId;
  }

  /** {@code --state-dir}, or {@code foresight-SERVICE} under {@code java.io.tmpdir}. */
  Path stateDir(String service) {
    return stateDir != null ? stateDir : Path.of(System.getProperty("java.io.tmpdir"), "foresight-" + service);
  }
}
