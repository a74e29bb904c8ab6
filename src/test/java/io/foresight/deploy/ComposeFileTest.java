package io.foresight.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.foresight.cli.MetricsOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code docker-compose.yml}, its GPU override and the Dockerfile agree with the repository and the CLI
 * (no Docker engine needed: the files are parsed and cross-checked, see {@link ComposeCheck}). Depends on
 * the repository's {@code prometheus/prometheus.yml} and {@code grafana/} folders, which the compose file
 * mounts.
 */
class ComposeFileTest {

  private static final Path ROOT = Path.of("").toAbsolutePath();
  private static final JsonNode COMPOSE = DeployFiles.read(ROOT.resolve("docker-compose.yml"));

  @Test
  void theComposeFileIsConsistentWithTheRepositoryAndTheCli() {
    assertThat(ComposeCheck.problems(COMPOSE, ROOT)).isEmpty();
  }

  @Test
  void itRunsTheWholeSystem() {
    Map<String, JsonNode> services = ComposeCheck.services(COMPOSE);

    assertThat(services).containsKeys("kafka", "topics", "ingest", "trainer", "scorer", "producer",
        "prometheus", "grafana");
    assertThat(services.values().stream().filter(ComposeCheck::isForesight)
            .map(service -> ComposeCheck.command(service).get(0)))
        .containsExactlyInAnyOrder("topics", "ingest", "trainer", "scorer", "produce");
    assertThat(ComposeCheck.dependencies(services.get("topics"))).containsEntry("kafka", "service_healthy");
    for (String service : List.of("ingest", "trainer", "scorer", "producer")) {
      assertThat(ComposeCheck.dependencies(services.get(service)))
          .as(service).containsEntry("topics", "service_completed_successfully");
    }
  }

  @Test
  void streamsServicesKeepTheirStateOnAVolumeAtTheirStateDir() {
    Map<String, JsonNode> services = ComposeCheck.services(COMPOSE);
    for (String name : List.of("ingest", "scorer")) {
      JsonNode service = services.get(name);
      String stateDir = DeployFiles.flag(ComposeCheck.command(service), "--state-dir");

      assertThat(stateDir).as(name + " --state-dir").isNotNull();
      assertThat(DeployFiles.strings(service.get("volumes")))
          .as(name + " volumes").anyMatch(volume -> volume.split(":")[1].equals(stateDir));
    }
  }

  @Test
  void theGpuOverrideBuildsTheCudaImageAndReservesAGpuForTheTrainer() throws Exception {
    JsonNode override = DeployFiles.read(ROOT.resolve("docker-compose.gpu.yml"));

    assertThat(ComposeCheck.services(COMPOSE).keySet()).containsAll(ComposeCheck.services(override).keySet());
    JsonNode trainer = override.path("services").path("trainer");
    assertThat(trainer.path("build").path("args").path("MAVEN_PROFILE").asText()).isEqualTo("cuda");
    assertThat(Files.readString(ROOT.resolve("pom.xml"))).contains("<id>cuda</id>");
    assertThat(Files.readString(ROOT.resolve("Dockerfile"))).contains("ARG MAVEN_PROFILE");
    JsonNode device = trainer.path("deploy").path("resources").path("reservations").path("devices").path(0);
    assertThat(device.path("driver").asText()).isEqualTo("nvidia");
    assertThat(device.path("count").asInt()).isEqualTo(1);
    assertThat(DeployFiles.strings(device.get("capabilities"))).contains("gpu");
    assertThat(trainer.path("image").asText())
        .isNotEqualTo(ComposeCheck.services(COMPOSE).get("trainer").path("image").asText());
  }

  @Test
  void theDockerfileRunsTheJarAsANonRootUserWithTheEnvironmentDjlWants() throws Exception {
    String dockerfile = Files.readString(ROOT.resolve("Dockerfile"));

    assertThat(dockerfile)
        .contains("FROM maven:3.9-eclipse-temurin-17 AS build")
        .contains("FROM eclipse-temurin:17-jre")
        .contains("ENTRYPOINT [\"java\", \"-jar\", \"/app/foresight.jar\"]")
        .contains("COPY --from=build /src/target/lib /app/lib")
        .contains("DJL_OFFLINE=true")
        .contains("GLIBC_TUNABLES=" + DeployFiles.launcherGlibcTunables(ROOT) + " ")
        .contains("DJL_CACHE_DIR=/var/lib/foresight/djl")
        .contains("ENGINE_CACHE_DIR=/var/lib/foresight/djl")
        .contains("EXPOSE " + MetricsOptions.DEFAULT_PORT)
        .containsPattern("(?m)^USER (?!root)\\w+");
    // What the build stage copies exists, and .dockerignore lets it through.
    String ignore = Files.readString(ROOT.resolve(".dockerignore"));
    for (String copied : List.of("pom.xml", "topics", "src/main")) {
      assertThat(dockerfile).contains("COPY " + copied + " ");
      assertThat(ROOT.resolve(copied)).exists();
      assertThat(ignore).contains("!" + copied);
    }
  }

  @Test
  void aBrokenComposeFileIsReportedProblemByProblem(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("Dockerfile"), "FROM scratch\n");
    JsonNode broken = DeployFiles.parse("""
        services:
          kafka:
            image: apache/kafka:4.1.0
            environment:
              KAFKA_ADVERTISED_LISTENERS: INTERNAL://kafka:9092,HOST://localhost:9092
            ports: ["9092:29092"]
          nothing: {}
          ingest:
            build: .
            command: ["ingest", "--no-such-flag", "1"]
            environment:
              FORESIGHT_BOOTSTRAP_SERVERS: kafka:9092
            depends_on: [kafka]
          scorer:
            build: ./elsewhere
            command: ["scorer"]
            environment:
              FORESIGHT_BOOTSTRAP_SERVERS: localhost:9092
              FORESIGHT_NO_SUCH_SETTING: "1"
              FORESIGHT_KAFKA_SECURITY_PROTOCOL: SSL
            ports: ["9092:9464"]
            volumes: ["./missing/prometheus.yml:/etc/prometheus/prometheus.yml:ro", "undeclared:/data"]
            depends_on: [ghost]
          trainer:
            image: foresight:local
            command: ["train"]
            depends_on: {kafka: {condition: service_healthy}}
        """);

    List<String> problems = ComposeCheck.problems(broken, dir);

    assertThat(problems).anyMatch(p -> p.contains("nothing has neither an image nor a build"))
        .anyMatch(p -> p.contains("ingest runs `ingest --no-such-flag 1`") && p.contains("--no-such-flag"))
        .anyMatch(p -> p.contains("scorer builds from elsewhere/Dockerfile"))
        .anyMatch(p -> p.contains("scorer connects to localhost:9092, not the broker's internal listener kafka:9092"))
        .anyMatch(p -> p.contains("scorer sets [FORESIGHT_NO_SUCH_SETTING]"))
        .anyMatch(p -> p.contains("host port 9092 is published by both kafka and scorer"))
        .anyMatch(p -> p.contains("scorer mounts ./missing/prometheus.yml, which does not exist"))
        .anyMatch(p -> p.contains("scorer uses volume undeclared"))
        .anyMatch(p -> p.contains("scorer depends on ghost, which is not a service"))
        .anyMatch(p -> p.contains("scorer does not (transitively) depend on the broker"))
        .anyMatch(p -> p.contains("'train' is not a foresight command"))
        .anyMatch(p -> p.contains("trainer waits for kafka to be healthy, which has no healthcheck"))
        .anyMatch(p -> p.contains("scorer serves metrics on 9464 but exposes []"))
        .noneMatch(p -> p.contains("FORESIGHT_KAFKA_SECURITY_PROTOCOL"));
  }

  @Test
  void prometheusMustScrapeEachServiceAtItsMetricsPort(@TempDir Path dir) throws Exception {
    Files.createDirectories(dir.resolve("prometheus"));
    Files.writeString(dir.resolve("Dockerfile"), "FROM scratch\n");
    Files.writeString(dir.resolve("prometheus/prometheus.yml"), """
        scrape_configs:
          - job_name: foresight
            static_configs:
              - targets: ["ingest:9464", "scorer:9999"]
        """);
    JsonNode compose = DeployFiles.parse("""
        services:
          kafka:
            image: apache/kafka:4.1.0
            hostname: kafka
            environment: {KAFKA_ADVERTISED_LISTENERS: "PLAINTEXT://kafka:9092"}
            healthcheck: {test: ["CMD", "true"]}
          prometheus:
            image: prom/prometheus
            volumes: ["./prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro"]
        """ + Set.of("ingest", "trainer", "scorer").stream().sorted().map(name -> """
          %s:
            build: .
            command: ["%s", "--metrics-port", "9464"]
            environment: {FORESIGHT_BOOTSTRAP_SERVERS: "kafka:9092"}
            expose: ["9464"]
            depends_on: {kafka: {condition: service_healthy}}
        """.formatted(name, name)).reduce("", String::concat));

    assertThat(ComposeCheck.problems(compose, dir)).containsExactlyInAnyOrder(
        "prometheus does not scrape scorer:9464 (targets: [ingest:9464, scorer:9999])",
        "prometheus does not scrape trainer:9464 (targets: [ingest:9464, scorer:9999])",
        "prometheus scrapes scorer:9999, but scorer serves metrics on 9464");
  }
}
