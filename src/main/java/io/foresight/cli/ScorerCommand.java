package io.foresight.cli;

import io.foresight.ops.MetricsServer;
import io.foresight.score.ScorerService;
import io.foresight.wire.Topics;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code scorer}: the scoring service. */
@Command(name = "scorer", mixinStandardHelpOptions = true,
    description = "Score foresight.windows with the latest model on foresight.models (swapped in without"
        + " a restart); publish foresight.embeddings and foresight.classifications.")
final class ScorerCommand implements Callable<Integer> {

  @Mixin KafkaOptions kafka;
  @Mixin MetricsOptions metrics;
  @Mixin ScorerOptions scorer;

  @Mixin ModelNameOption model;

  @Mixin StreamsAppOptions streams = new StreamsAppOptions("foresight-scorer");
  @Mixin TorchOptions torch;

  @Override
  public Integer call() throws Exception {
    Map<String, Object> client = kafka.settings().clientProperties();
    Services.requireTopics(
        client, List.of(Topics.WINDOWS, Topics.MODELS, Topics.CLASSIFICATIONS, Topics.EMBEDDINGS, Topics.DLQ));
    torch.apply();
    MetricsServer server = metrics.start("scorer");
    // Not ready until the real check below replaces this one: with no checks at all,
    // /health/ready answers 200 while the service is still being built.
    server.addReadinessCheck("scorer", () -> false);
    ScorerService service =
        new ScorerService(
            streams.apply(client), streams.applicationId, streams.stateDir("scorer"),
            scorer.threads, model.modelName, scorer.options(), server.registry());
    server.bind(service.streams());
    server.addReadinessCheck("scorer", service::ready);
    server.addLivenessCheck("scorer", service::alive);
    service.start();
    System.out.println("scorer waiting for model '" + model.modelName + "'; metrics on :" + server.port());
    Services.runUntilShutdown("scorer", List.of(server, service));
    return 0;
  }
}
