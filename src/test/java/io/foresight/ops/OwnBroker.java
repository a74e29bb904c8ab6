package io.foresight.ops;

/**
 * An in-process broker of one test class's own, with Foresight's topics: for tests that write to the
 * shared topics what other tests would read back (100 000 fuzzed timesteps, a poison record, fenced
 * checkpoints), which on the {@link SharedBroker} would flow into every later test's ingest.
 */
public final class OwnBroker implements AutoCloseable {

  private final EmbeddedKafka broker;

  private OwnBroker(EmbeddedKafka broker) {
    this.broker = broker;
  }

  public static OwnBroker start() {
    return new OwnBroker(EmbeddedKafka.startWithTopics());
  }

  public String bootstrapServers() {
    return broker.bootstrapServers();
  }

  @Override
  public void close() {
    broker.close();
  }
}
