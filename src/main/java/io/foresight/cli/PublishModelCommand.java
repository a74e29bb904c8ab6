package io.foresight.cli;

import io.foresight.model.ForesightNet;
import io.foresight.wire.Checkpoint;
import io.foresight.wire.CheckpointCodec;
import io.foresight.wire.CheckpointTopic;
import io.foresight.wire.Topics;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code publish-model}: seeds the live system with an offline checkpoint. It takes over the model's
 * checkpoints as their writer first ({@link CheckpointTopic#writer}), which fences a trainer of the
 * model: that trainer stops at its next publication, and a restart resumes from the version published
 * here. Then it publishes above every version on the topic, so that scorers swap it in.
 */
@Command(name = "publish-model", mixinStandardHelpOptions = true,
    description = "Publish an offline checkpoint (pretrain/finetune) to foresight.models as the next"
        + " version, so the scorer swaps it in. A trainer of the model that is running stops at its"
        + " next publication (fenced); restart it to resume from the published version.")
final class PublishModelCommand implements Callable<Integer> {

  @Mixin KafkaOptions kafka;

  @Option(names = "--checkpoint", required = true, description = "Checkpoint file to publish.")
  Path checkpoint;

  @Option(names = "--version", paramLabel = "N",
      description = "Model version to publish, above every version on foresight.models"
          + " (default: the latest there + 1).")
  Long version;

  @Mixin ModelNameOption model;

  @Override
  public Integer call() throws Exception {
    Map<String, Object> client = kafka.settings().clientProperties();
    Services.requireTopics(client, List.of(Topics.MODELS));
    Checkpoint offline = CheckpointCodec.read(checkpoint);
    // Refuse what scorers would: parameters that do not fit the architecture, or are not finite.
    try (ForesightNet net = offline.toNet()) {
      String nonFinite = net.firstNonFiniteParameter();
      if (nonFinite != null) {
        throw new IllegalArgumentException(checkpoint + " has NaN or infinite weights in " + nonFinite);
      }
    }
    try (CheckpointTopic.Writer writer = CheckpointTopic.writer(client, model.modelName)) {
      // Read after the writer exists: it has fenced any trainer, so no version can appear above it.
      Checkpoint latest = CheckpointTopic.latest(client, model.modelName);
      long highest = latest == null ? 0 : latest.modelVersion();
      long published = version != null ? version : highest + 1;
      if (published <= highest) {
        throw new IllegalArgumentException(
            "--version " + published + " is not above version " + highest + ", the latest of model '"
                + model.modelName + "' on " + Topics.MODELS + ": scorers would ignore it (leave"
                + " --version out to publish " + (highest + 1) + ")");
      }
      if (published > Checkpoint.MAX_VERSION) {
        throw new IllegalArgumentException(
            "version " + published + " is above the highest model version, " + Checkpoint.MAX_VERSION);
      }
      writer.publish(offline.withVersion(published));
      System.out.println(
          "published " + checkpoint + " as model '" + model.modelName + "' version " + published);
    }
    return 0;
  }
}
