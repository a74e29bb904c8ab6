package io.foresight.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.foresight.data.SimulatedFleet;
import io.foresight.data.StreamProducer;
import io.foresight.demo.Demo;
import io.foresight.ingest.WindowSpec;
import io.foresight.learn.ContinuousTrainer;
import io.foresight.learn.Objective;
import io.foresight.train.TrainerService;
import io.foresight.learn.TrainingOptions;
import io.foresight.model.Encoder;
import io.foresight.model.ModelConfig;
import io.foresight.model.SingleCpuThread;
import io.foresight.model.Tokenizer;
import io.foresight.score.ScoringTopology;
import io.foresight.wire.Json;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboards against the real thing: one in-process demo (broker, producer, ingest, trainer,
 * scorer on a small simulated fleet and a tiny model) runs for the whole class. Once a model serves and
 * classifications flow, every metric a panel of {@code grafana/dashboards/foresight.json} queries must
 * be in its {@code /metrics} scrape; then a real Prometheus (Debian's {@code prometheus} package; the
 * test is skipped without it) scrapes the demo every second and must answer Foresight's queries, and
 * every panel's, with values.
 *
 * <p>Run alone with {@code DJL_OFFLINE=true mvn -B verify -Dit.test=ObservabilityIntegrationTest
 * -Dtest=DashboardQueriesTest -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@ExtendWith(SingleCpuThread.class)
class ObservabilityIntegrationTest {

  static final Path DASHBOARD = Path.of("grafana/dashboards/foresight.json");
  private static final Duration STARTUP = Duration.ofSeconds(120);

  @TempDir static Path tmp;

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static Demo demo;
  private static Thread demoThread;
  private static int metricsPort;
  private static Process prometheus;
  private static final ByteArrayOutputStream DEMO_OUT = new ByteArrayOutputStream();

  @BeforeAll
  static void startDemoUntilClassificationsFlow() throws Exception {
    SimulatedFleet fleet = new SimulatedFleet(12, 2, 7);
    Map<String, String> heldOut = new HashMap<>();
    for (String device : fleet.devices()) {
      if (!fleet.labelled(device, 0.5)) {
        heldOut.put(device, fleet.classOf(device));
      }
    }
    Tokenizer tokenizer = Tokenizer.integer(41);
    metricsPort = freePort();
    demo =
        new Demo(
            new Demo.Config(
                "simulated fleet of 12 devices",
                fleet.asSource(0.5),
                heldOut,
                Function.identity(),
                tokenizer,
                WindowSpec.sliding(64, 32),
                new TrainerService.Options(
                    "obs-model",
                    new ModelConfig(Encoder.CAUSAL_CNN, 8, 2, 3, 16, 0),
                    tokenizer,
                    new ContinuousTrainer.Settings(
                        Objective.NEXT_STEP, TrainingOptions.defaults().withBatch(8, 64), 100_000),
                    TrainerService.ClassifierSettings.defaults(),
                    20,
                    Duration.ofSeconds(2),
                    Duration.ofMinutes(10)),
                new ScoringTopology.Options(16, 10),
                StreamProducer.Options.defaults().withRate(1000).withChunkSize(8).withIntervalMs(10),
                Duration.ofMinutes(10), // stopped by @AfterAll long before
                Duration.ofSeconds(5),
                Duration.ofSeconds(10),
                metricsPort,
                tmp.resolve("demo")),
            new PrintStream(DEMO_OUT, true, StandardCharsets.UTF_8));
    demoThread = new Thread(() -> {
      try {
        demo.run();
      } catch (Exception e) {
        throw new IllegalStateException("demo failed", e);
      }
    }, "observability-demo");
    demoThread.start();

    long deadline = System.nanoTime() + STARTUP.toNanos();
    while (true) {
      Optional<String> scrape = scrape();
      if (scrape.isPresent()
          && value(scrape.get(), "foresight_scorer_model_version") > 0
          && value(scrape.get(), "foresight_scorer_classifications_total") > 0) {
        break;
      }
      if (System.nanoTime() > deadline || !demoThread.isAlive()) {
        throw new AssertionError("no model served with classifications after " + STARTUP + "; demo said:\n"
            + DEMO_OUT.toString(StandardCharsets.UTF_8) + "\nscrape: " + scrape.orElse("(none)"));
      }
      Thread.sleep(500);
    }
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (prometheus != null) {
      prometheus.destroy();
      if (!prometheus.waitFor(10, TimeUnit.SECONDS)) {
        prometheus.destroyForcibly();
      }
    }
    if (demo != null) {
      demo.requestStop();
      demoThread.join(60_000);
    }
  }

  @Test
  void everyMetricTheDashboardQueriesIsScraped() throws Exception {
    String scrape = scrape().orElseThrow();
    Files.writeString(Path.of("target/observability-scrape.txt"), scrape);
    JsonNode dashboard = Json.MAPPER.readTree(DASHBOARD.toFile());

    assertThat(DashboardQueries.exprs(dashboard)).isNotEmpty();
    assertThat(DashboardQueries.missing(dashboard, DashboardQueries.seriesNames(scrape)))
        .as("metrics queried by the dashboard but absent from the demo's /metrics (name -> first query)")
        .isEmpty();
    // Tagged counters of rare events exist at zero from the start, so panels and alerts see them.
    assertThat(scrape)
        .contains("foresight_scorer_checkpoints_rejected_total{application=\"demo\",reason=\"stale\"}")
        .contains("foresight_scorer_checkpoints_rejected_total{application=\"demo\",reason=\"architecture\"}")
        .contains("reason=\"malformed-label\",service=\"trainer\"")
        .contains("reason=\"untokenisable-window\",service=\"scorer\"")
        .contains("reason=\"oversized-chunk\",service=\"ingest\"");
  }

  @Test
  void prometheusScrapesTheDemoAndAnswersEveryPanel() throws Exception {
    Optional<Path> binary = prometheusBinary();
    Assumptions.assumeTrue(binary.isPresent(),
        "no prometheus binary on PATH or at /usr/bin/prometheus: install Debian's prometheus package"
            + " (apt-get install -y --no-install-recommends prometheus; .ci/run does)");
    int port = freePort();
    Path config = tmp.resolve("prometheus.yml");
    Files.writeString(config, """
        global:
          scrape_interval: 1s
          evaluation_interval: 1s
        scrape_configs:
          - job_name: demo
            static_configs:
              - targets: ['127.0.0.1:%d']
        """.formatted(metricsPort));
    Path log = tmp.resolve("prometheus.log");
    prometheus =
        new ProcessBuilder(
                binary.get().toString(),
                "--config.file=" + config,
                "--storage.tsdb.path=" + tmp.resolve("tsdb"),
                "--web.listen-address=127.0.0.1:" + port)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    String base = "http://127.0.0.1:" + port;
    await("Prometheus ready", Duration.ofSeconds(30), log, () -> get(base + "/-/ready").filter(r -> r.statusCode() == 200).isPresent());

    Map<String, Double> answers = new LinkedHashMap<>();
    await("Foresight's metrics in Prometheus", Duration.ofSeconds(30), log, () -> {
      answers.put("up", first(query(base, "up{job=\"demo\"}")));
      answers.put("timesteps", first(query(base, "foresight_ingest_timesteps_total")));
      answers.put("model", first(query(base, "foresight_trainer_model_version")));
      answers.put("classifications", first(query(base, "sum(foresight_scorer_classifications_total)")));
      return answers.values().stream().allMatch(v -> v != null && v > 0);
    });
    assertThat(answers.get("up")).isEqualTo(1.0);
    assertThat(answers.get("timesteps")).isPositive();
    assertThat(answers.get("model")).isGreaterThanOrEqualTo(1.0);

    // Every panel's query parses and, once rates have two samples, returns at least one series.
    List<String> exprs = DashboardQueries.exprs(Json.MAPPER.readTree(DASHBOARD.toFile()));
    List<String> empty = new ArrayList<>();
    await("every panel's query to return series", Duration.ofSeconds(30), log, () -> {
      empty.clear();
      for (String expr : exprs) {
        JsonNode answer = query(base, expr);
        assertThat(answer.path("status").asText()).as(expr + " -> " + answer).isEqualTo("success");
        if (answer.path("data").path("result").isEmpty()) {
          empty.add(expr);
        }
      }
      return empty.isEmpty();
    });
  }

  // --- helpers -------------------------------------------------------------------------------------

  private interface Condition {
    boolean holds() throws Exception;
  }

  private static void await(String what, Duration timeout, Path log, Condition condition) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.holds()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what + "; prometheus log tail:\n" + tail(log));
      }
      Thread.sleep(500);
    }
  }

  private static String tail(Path log) throws IOException {
    List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
  }

  private static JsonNode query(String base, String expr) throws Exception {
    String url = base + "/api/v1/query?query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8);
    HttpResponse<String> response = get(url).orElseThrow(() -> new AssertionError("no answer from " + url));
    return Json.MAPPER.readTree(response.body());
  }

  /** The value of the first series of an instant-query answer, null when there is none. */
  private static Double first(JsonNode answer) {
    JsonNode result = answer.path("data").path("result");
    return result.isEmpty() ? null : Double.valueOf(result.get(0).path("value").get(1).asText());
  }

  private static Optional<HttpResponse<String>> get(String url) {
    try {
      HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build();
      return Optional.of(HTTP.send(request, HttpResponse.BodyHandlers.ofString()));
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  private static Optional<String> scrape() {
    return get("http://localhost:" + metricsPort + "/metrics").filter(r -> r.statusCode() == 200).map(HttpResponse::body);
  }

  /** Sum over the series of one name in a scrape; 0 when absent. */
  private static double value(String scrape, String name) {
    double sum = 0;
    for (String line : scrape.split("\n")) {
      if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }

  private static Optional<Path> prometheusBinary() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, "prometheus");
      if (Files.isExecutable(candidate) && Files.isRegularFile(candidate)) {
        return Optional.of(candidate);
      }
    }
    Path debian = Path.of("/usr/bin/prometheus");
    return Files.isExecutable(debian) ? Optional.of(debian) : Optional.empty();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
