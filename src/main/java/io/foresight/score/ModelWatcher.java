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
 */
public final class ModelWatcher implements Runnable, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ModelWatcher.class);

  private final KafkaConsumer<String, byte[]> consumer;
  private final String modelName;
  private final ModelHolder holder;
  private volatile boolean running = true;

  public ModelWatcher(Map<String, Object> kafka, String modelName, ModelHolder holder) {
    this.consumer = CheckpointTopic.consumerFromBeginning(kafka);
    this.modelName = modelName;
    this.holder = holder;
  }

  @Override
  public void run() {
    try {
      while (running) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          if (modelName.equals(record.key()) && record.value() != null) {
            holder.offer(record.value());
          }
        }
      }
    } catch (WakeupException | InterruptException e) {
      // stopping
    } catch (RuntimeException e) {
      LOG.error("the model watcher stopped: {}", e.toString(), e);
      throw e;
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
  }
}
