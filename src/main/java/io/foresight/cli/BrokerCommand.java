package io.foresight.cli;

import io.foresight.ops.EmbeddedKafka;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code broker}: a single-node Kafka broker (KRaft, in this JVM) for a laptop or a test, running until
 * Ctrl-C. Not for production: one node, replication factor 1.
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

  @Override
  public Integer call() throws Exception {
    EmbeddedKafka kafka = EmbeddedKafka.start(dir, port);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      kafka.close();
      stopped.countDown();
    }, "broker-shutdown"));
    System.out.println("Kafka broker ready at " + kafka.bootstrapServers());
    System.out.println("Create Foresight's topics with: foresight topics --bootstrap-servers "
        + kafka.bootstrapServers() + "   (Ctrl-C stops the broker)");
    stopped.await();
    return 0;
  }
}
