package io.foresight.score;

import io.foresight.ops.StreamsHealth;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code scorer} service: a {@link ModelWatcher} thread feeding a {@link ModelHolder}, and the
 * {@link ScoringTopology} Streams app, started once the latest model on the topic has loaded (the
 * watcher has read what was there at start) so that windows wait in Kafka rather than in memory, and
 * are not scored with an older version, while there is nothing better to score them with.
 */
public final class ScorerService implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ScorerService.class);

  private final ModelHolder models;
  private final ModelWatcher watcher;
  private final Thread watcherThread;
  private final KafkaStreams streams;
  private final StreamsHealth health;
  private volatile boolean started;

  public ScorerService(
      Map<String, Object> kafka,
      String applicationId,
      Path stateDir,
      int threads,
      String modelName,
      ScoringTopology.Options options,
      MeterRegistry registry) {
    this.models = new ModelHolder(registry);
    this.watcher = new ModelWatcher(kafka, modelName, models);
    this.watcherThread = new Thread(watcher, "foresight-model-watcher");
    watcherThread.setDaemon(true);
    StreamsBuilder builder = new StreamsBuilder();
    ScoringTopology.build(builder, models, options, registry);
    // No processing-exception handler: a failed forward pass is retried, not skipped.
    this.streams =
        new KafkaStreams(builder.build(), ScoringTopology.streamsProperties(kafka, applicationId, stateDir, threads));
    this.health = new StreamsHealth(streams, "scorer", registry);
  }

  /** Starts following models; the Streams app starts as soon as one has loaded. */
  public void start() {
    watcherThread.start();
    Thread starter =
        new Thread(
            () -> {
              // The latest model, not merely the first read: a scorer restarted on a topic with many
              // versions would otherwise score its backlog with version 1 while it catches up.
              while (!(models.hasModel() && watcher.caughtUp()) && !Thread.currentThread().isInterrupted()) {
                try {
                  Thread.sleep(50);
                } catch (InterruptedException e) {
                  return;
                }
              }
              synchronized (this) {
                if (!closed) {
                  streams.start();
                  started = true;
                }
              }
            },
            "foresight-scorer-starter");
    starter.setDaemon(true);
    starter.start();
  }

  private boolean closed;

  /** Ready when a model serves and the Streams app is running (state restored). */
  public boolean ready() {
    return started && models.hasModel() && health.ready();
  }

  /**
   * False once the model watcher has died (the scorer would serve a stale model forever) or the
   * Streams app has failed, stopped, or its threads keep dying.
   */
  public boolean alive() {
    return watcher.alive() && health.alive();
  }

  public KafkaStreams streams() {
    return streams;
  }

  public ModelHolder models() {
    return models;
  }

  @Override
  public synchronized void close() {
    closed = true;
    streams.close(Duration.ofSeconds(30));
    watcher.close();
    try {
      watcherThread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    models.close();
  }
}
