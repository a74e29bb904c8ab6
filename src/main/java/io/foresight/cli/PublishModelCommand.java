package io.foresight.cli;

import io.foresight.learn.TrainerService;
import io.foresight.wire.Checkpoint;
import io.foresight.wire.CheckpointCodec;
import io.foresight.wire.Topics;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code publish-model}: seeds the live system with an offline checkpoint. */
@Command(name = "publish-model", mixinStandardHelpOptions = true,
    description = "Publish an offline checkpoint (pretrain/finetune) to foresight.models as the next"
        + " version, so the trainer resumes from it and the scorer swaps it in.")
final class PublishModelCommand implements Callable<Integer> {

  @Mixin KafkaOptions kafka;

  @Option(names = "--checkpoint", required = true, description = "Checkpoint file to publish.")
  Path checkpoint;

  @Mixin ModelNameOption model;

  @Override
  public Integer call() throws Exception {
    Map<String, Object> client = kafka.settings().clientProperties();
    Services.requireTopics(client, List.of(Topics.MODELS));
    Checkpoint offline = CheckpointCodec.read(checkpoint);
    offline.toNet().close(); // refuse a file whose parameters do not fit its architecture
    Checkpoint latest = TrainerService.latestCheckpoint(client, model.modelName);
    long version = Math.max(offline.modelVersion(), latest == null ? 0 : latest.modelVersion()) + 1;
    Checkpoint published =
        new Checkpoint(
            version, offline.config(), offline.tokenizer(), offline.classNames(), offline.metrics(),
            offline.sections());
    Map<String, Object> config = new HashMap<>(client);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 64 * 1024 * 1024);
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>(Topics.MODELS, model.modelName, CheckpointCodec.encode(published))).get();
    }
    System.out.println("published " + checkpoint + " as model '" + model.modelName + "' version " + version);
    return 0;
  }
}
