package io.foresight.cli;

import io.foresight.ops.EmbeddedKafka;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code broker}: a single-node Kafka broker (KRaft, in this JVM) for a laptop or a test, running until
 * Ctrl-C. Not for production: one node, replication factor 1. With {@code --sasl-ssl} its clients
 * connect over SASL_SSL (SCRAM-SHA-512, a self-signed certificate) and it prints the variables that
 * Foresight's commands need for that.
 */
@Command(name = "broker", mixinStandardHelpOptions = true,
    description = "Run a single-node Kafka broker (KRaft, in-process) until Ctrl-C.")
final class BrokerCommand implements Callable<Integer> {

  @Option(names = "--port", paramLabel = "PORT", defaultValue = "9092",
      description = "Port for Kafka clients; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--dir", paramLabel = "DIR",
      description = "Keep the broker's data here across runs (default: a temporary directory,"
          + " deleted on exit).")
  Path dir;

  @Option(names = "--sasl-ssl",
      description = "Clients connect over SASL_SSL on PORT as SCRAM-SHA-512 user " + SASL_USER
          + " with a password made at start; prints the FORESIGHT_* variables they need.")
  boolean saslSsl;

  static final String SASL_USER = "foresight";

  @Override
  public Integer call() throws Exception {
    EmbeddedKafka kafka = saslSsl
        ? EmbeddedKafka.startSaslSsl(dir, port, SASL_USER, EmbeddedKafka.randomSecret())
        : EmbeddedKafka.start(dir, port);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      kafka.close();
      stopped.countDown();
    }, "broker-shutdown"));
    if (saslSsl) {
      EmbeddedKafka.SaslSsl client = kafka.saslSsl();
      System.out.println("Kafka broker ready: SASL_SSL (" + EmbeddedKafka.SASL_MECHANISM + ") at "
          + client.bootstrapServers());
      System.out.println("Foresight's commands connect with these variables:");
      client.environment().forEach((name, value) ->
          System.out.println("export " + name + "=" + shellQuoted(value)));
      System.out.println("Create Foresight's topics with: foresight topics   (Ctrl-C stops the broker)");
    } else {
      System.out.println("Kafka broker ready at " + kafka.bootstrapServers());
      System.out.println("Create Foresight's topics with: foresight topics --bootstrap-servers "
          + kafka.bootstrapServers() + "   (Ctrl-C stops the broker)");
    }
    stopped.await();
    return 0;
  }

  /** One shell word: the JAAS config holds spaces, quotes and a semicolon. */
  static String shellQuoted(String value) {
    return "'" + value.replace("'", "'\\''") + "'";
  }
}
