package io.foresight.cli;

import io.foresight.train.TrainerService;
import io.foresight.ops.MetricsServer;
import io.foresight.wire.Topics;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code trainer}: the continuous trainer service. */
@Command(name = "trainer", mixinStandardHelpOptions = true,
    description = "Train the model continuously on foresight.windows and foresight.labels and publish"
        + " checkpoints to foresight.models (resuming from the latest one there).")
final class TrainerCommand implements Callable<Integer> {

  @Mixin KafkaOptions kafka;
  @Mixin MetricsOptions metrics;
  @Mixin TrainerOptions trainer;

  @Mixin TorchOptions torch;

  @Override
  public Integer call() throws Exception {
    Map<String, Object> client = kafka.settings().clientProperties();
    Services.requireTopics(client, List.of(Topics.WINDOWS, Topics.LABELS, Topics.MODELS, Topics.DLQ));
    torch.apply();
    MetricsServer server = metrics.start("trainer");
    // Not ready until the real check below replaces this one: with no checks at all,
    // /health/ready answers 200 while the service is still being built.
    server.addReadinessCheck("model", () -> false);
    TrainerService service =
        new TrainerService(client, trainer.options(trainer.integerTokenizer()), server.registry());
    server.addReadinessCheck("model", service::ready);
    server.addLivenessCheck("trainer", service::alive);
    service.start();
    System.out.println("trainer running; metrics on :" + server.port() + " (Ctrl-C stops it)");
    Services.runUntilShutdown(
        "trainer",
        List.<AutoCloseable>of(server, service));
    return 0;
  }
}
