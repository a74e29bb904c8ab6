package io.foresight.score;

import io.foresight.wire.CheckpointTopic;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows {@code foresight.models} from the beginning (it is compacted, so that is the latest
 * checkpoint of each model plus whatever compaction has not reached yet) and offers every checkpoint of
 * one model name to a {@link ModelHolder}. Runs on its own thread so a swap never stalls scoring.
 *
 * <p>A checkpoint that cannot be loaded is the holder's to reject; an error of the consumer itself (the
 * broker away, say) is logged and retried after a pause, so the watcher only ends when closed. Should
 * it end otherwise (an {@link Error}), {@link #alive()} turns false and the scorer's liveness fails.
 */
public final class ModelWatcher implements Runnable, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ModelWatcher.class);

  private final KafkaConsumer<String, byte[]> consumer;
  private final String modelName;
  private final ModelHolder holder;
  /** Pause after a failed poll before the next one. */
  static final Duration RETRY_PAUSE = Duration.ofSeconds(1);

  private final Map<org.apache.kafka.common.TopicPartition, Long> endAtStart;
  private volatile boolean caughtUp;
  private volatile boolean running = true;
  private volatile boolean ended;

  public ModelWatcher(Map<String, Object> kafka, String modelName, ModelHolder holder) {
    this.consumer = CheckpointTopic.consumerFromBeginning(kafka);
    this.modelName = modelName;
    this.holder = holder;
    this.endAtStart = consumer.endOffsets(consumer.assignment());
  }

  /**
   * Whether every checkpoint that was on the topic when the watcher started has been offered: until
   * then the holder may serve an older version than the latest (version 1, without a classifier, say),
   * and a scorer that started scoring would classify nothing with it.
   */
  public boolean caughtUp() {
    return caughtUp;
  }

  @Override
  public void run() {
    try {
      while (running) {
        try {
          for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
            offer(record);
          }
          if (!caughtUp) {
            caughtUp = endAtStart.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
          }
        } catch (WakeupException | InterruptException e) {
          return; // stopping
        } catch (RuntimeException e) {
          LOG.warn("reading {} failed; retrying in {} ms: {}", CheckpointTopic.class.getSimpleName(),
              RETRY_PAUSE.toMillis(), e.toString());
          Thread.sleep(RETRY_PAUSE.toMillis());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Error e) {
      LOG.error("the model watcher stopped: {}", e.toString(), e);
      throw e;
    } finally {
      ended = true;
      consumer.close(Duration.ofSeconds(5));
    }
  }

  private void offer(ConsumerRecord<String, byte[]> record) {
    if (!modelName.equals(record.key()) || record.value() == null) {
      return;
    }
    try {
      holder.offer(record.value());
    } catch (RuntimeException e) {
      // The holder rejects what it recognises as bad; anything else must not stop the watcher either.
      LOG.error("a checkpoint at {}-{}@{} could not be offered; the serving model stays: {}",
          record.topic(), record.partition(), record.offset(), e.toString(), e);
    }
  }

  /** True until the watcher has ended without being closed. */
  public boolean alive() {
    return !ended || !running;
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
  }
}
