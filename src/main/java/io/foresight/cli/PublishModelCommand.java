package io.foresight.cli;

import io.foresight.wire.Checkpoint;
import io.foresight.wire.CheckpointTopic;
import io.foresight.wire.CheckpointCodec;
import io.foresight.wire.Topics;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
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
    Checkpoint latest = CheckpointTopic.latest(client, model.modelName);
    long version = Math.max(offline.modelVersion(), latest == null ? 0 : latest.modelVersion()) + 1;
    Checkpoint published = offline.withVersion(version);
    CheckpointTopic.publish(client, model.modelName, published);
    System.out.println("published " + checkpoint + " as model '" + model.modelName + "' version " + version);
    return 0;
  }
}
