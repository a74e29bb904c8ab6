package io.foresight.deploy;

import static io.foresight.deploy.DeployFiles.environment;
import static io.foresight.deploy.DeployFiles.flag;
import static io.foresight.deploy.DeployFiles.strings;
import static io.foresight.deploy.DeployFiles.text;

import com.fasterxml.jackson.databind.JsonNode;
import io.foresight.cli.MetricsOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Cross-checks a compose file against the repository and the CLI; {@link #problems} lists what is wrong,
 * one sentence each, empty when all is well. Services built from this repository (a {@code build}, or an
 * image named {@code foresight:*}) are "Foresight services"; the service whose image is
 * {@code apache/kafka} is the broker.
 */
final class ComposeCheck {

  /** Commands that serve /metrics and /health (their metrics port must be scraped). */
  static final Set<String> SERVICES_WITH_METRICS = Set.of("ingest", "trainer", "scorer");

  private final JsonNode compose;
  private final Path root;
  private final List<String> problems = new ArrayList<>();

  private ComposeCheck(JsonNode compose, Path root) {
    this.compose = compose;
    this.root = root;
  }

  /** Everything wrong with {@code compose}, whose relative paths are relative to {@code root}. */
  static List<String> problems(JsonNode compose, Path root) {
    ComposeCheck check = new ComposeCheck(compose, root);
    check.run();
    return check.problems;
  }

  /** Every service of a compose document, by name. */
  static Map<String, JsonNode> services(JsonNode compose) {
    Map<String, JsonNode> services = new LinkedHashMap<>();
    JsonNode node = compose.path("services");
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      services.put(name, node.get(name));
    }
    return services;
  }

  static boolean isForesight(JsonNode service) {
    String image = text(service.get("image"));
    return service.has("build") || image != null && image.startsWith("foresight:");
  }

  /** A Foresight service's command line: {@code [command, flags...]}. */
  static List<String> command(JsonNode service) {
    return strings(service.get("command"));
  }

  /** The port a Foresight service serves metrics on: --metrics-port, else FORESIGHT_METRICS_PORT, else 9464. */
  static int metricsPort(JsonNode service) {
    String port = flag(command(service), "--metrics-port");
    if (port == null) {
      port = environment(service.get("environment")).get("FORESIGHT_METRICS_PORT");
    }
    return port == null ? MetricsOptions.DEFAULT_PORT : Integer.parseInt(port.trim());
  }

  private void run() {
    Map<String, JsonNode> services = services(compose);
    if (services.isEmpty()) {
      problems.add("no services");
      return;
    }
    Set<String> declaredVolumes = new HashSet<>();
    compose.path("volumes").fieldNames().forEachRemaining(declaredVolumes::add);
    Map<String, String> hostPorts = new HashMap<>();
    String kafkaAddress = kafkaInternalAddress(services);

    services.forEach((name, service) -> {
      checkImageOrBuild(name, service);
      checkVolumes(name, service, declaredVolumes);
      checkPorts(name, service, hostPorts);
      checkDependsOn(name, service, services);
      if (isForesight(service)) {
        checkForesightService(name, service, services, kafkaAddress);
      }
    });
    checkPrometheusTargets(services);
  }

  private void checkImageOrBuild(String name, JsonNode service) {
    JsonNode build = service.get("build");
    if (build == null && text(service.get("image")) == null) {
      problems.add("service " + name + " has neither an image nor a build");
      return;
    }
    if (build != null) {
      String context = build.isTextual() ? build.asText() : build.path("context").asText(".");
      String dockerfile = build.isTextual() ? "Dockerfile" : build.path("dockerfile").asText("Dockerfile");
      Path file = root.resolve(context).resolve(dockerfile).normalize();
      if (!Files.isRegularFile(file)) {
        problems.add("service " + name + " builds from " + root.relativize(file) + ", which does not exist");
      }
    }
  }

  private void checkVolumes(String name, JsonNode service, Set<String> declared) {
    for (JsonNode volume : service.path("volumes")) {
      String source;
      if (volume.isTextual()) {
        String[] parts = volume.asText().split(":");
        if (parts.length < 2) {
          continue; // an anonymous volume
        }
        source = parts[0];
      } else {
        source = text(volume.get("source"));
        if (source == null) {
          continue;
        }
      }
      if (source.startsWith(".") || source.startsWith("/") || source.startsWith("~")) {
        if (source.startsWith(".") && !Files.exists(root.resolve(source).normalize())) {
          problems.add("service " + name + " mounts " + source + ", which does not exist in the repository");
        }
      } else if (!declared.contains(source)) {
        problems.add("service " + name + " uses volume " + source + ", which the top-level volumes do not declare");
      }
    }
  }

  private void checkPorts(String name, JsonNode service, Map<String, String> hostPorts) {
    for (JsonNode port : service.path("ports")) {
      String host;
      if (port.isObject()) {
        host = text(port.get("published"));
      } else {
        String[] parts = port.asText().split(":");
        host = parts.length >= 2 ? parts[parts.length - 2] : null;
      }
      if (host == null) {
        continue;
      }
      String previous = hostPorts.putIfAbsent(host, name);
      if (previous != null) {
        problems.add("host port " + host + " is published by both " + previous + " and " + name);
      }
    }
  }

  private void checkDependsOn(String name, JsonNode service, Map<String, JsonNode> services) {
    for (Map.Entry<String, String> dependency : dependencies(service).entrySet()) {
      JsonNode target = services.get(dependency.getKey());
      if (target == null) {
        problems.add("service " + name + " depends on " + dependency.getKey() + ", which is not a service");
      } else if ("service_healthy".equals(dependency.getValue()) && !target.has("healthcheck")) {
        problems.add("service " + name + " waits for " + dependency.getKey() + " to be healthy, which has no healthcheck");
      }
    }
  }

  /** depends_on as a map from service to condition (service_started for the list form). */
  static Map<String, String> dependencies(JsonNode service) {
    Map<String, String> out = new LinkedHashMap<>();
    JsonNode node = service.path("depends_on");
    if (node.isArray()) {
      node.forEach(target -> out.put(target.asText(), "service_started"));
    } else {
      node.fieldNames().forEachRemaining(target ->
          out.put(target, node.get(target).path("condition").asText("service_started")));
    }
    return out;
  }

  /**
   * The address on the compose network of the broker's advertised listener whose host is the broker's
   * service name (or hostname), e.g. {@code kafka:9092}; null, with a problem, when there is none.
   */
  private String kafkaInternalAddress(Map<String, JsonNode> services) {
    for (Map.Entry<String, JsonNode> entry : services.entrySet()) {
      String image = text(entry.getValue().get("image"));
      if (image == null || !image.startsWith("apache/kafka")) {
        continue;
      }
      String hostname = entry.getValue().path("hostname").asText(entry.getKey());
      String advertised = environment(entry.getValue().get("environment")).get("KAFKA_ADVERTISED_LISTENERS");
      if (advertised != null) {
        for (String listener : advertised.split(",")) {
          String address = listener.substring(listener.indexOf("://") + 3);
          String host = address.substring(0, address.lastIndexOf(':'));
          if (host.equals(entry.getKey()) || host.equals(hostname)) {
            return entry.getKey() + address.substring(address.lastIndexOf(':'));
          }
        }
      }
      problems.add("the broker " + entry.getKey() + " advertises no listener on its service name");
      return null;
    }
    problems.add("no apache/kafka service");
    return null;
  }

  private void checkForesightService(
      String name, JsonNode service, Map<String, JsonNode> services, String kafkaAddress) {
    List<String> command = command(service);
    String problem = DeployFiles.parseProblem(command);
    if (problem != null) {
      problems.add("service " + name + " runs `" + String.join(" ", command) + "`: " + problem);
      return;
    }
    Map<String, String> env = environment(service.get("environment"));
    Set<String> unknown = DeployFiles.unknownEnvironment(command.get(0), env.keySet());
    if (!unknown.isEmpty()) {
      problems.add("service " + name + " sets " + unknown + ", which `" + command.get(0) + "` does not read");
    }
    String bootstrap = flag(command, "--bootstrap-servers");
    if (bootstrap == null) {
      bootstrap = env.get("FORESIGHT_BOOTSTRAP_SERVERS");
    }
    if (kafkaAddress != null && !kafkaAddress.equals(bootstrap)) {
      problems.add("service " + name + " connects to " + bootstrap + ", not the broker's internal listener "
          + kafkaAddress);
    }
    if (kafkaAddress != null && !reaches(name, kafkaAddress.substring(0, kafkaAddress.indexOf(':')), services)) {
      problems.add("service " + name + " does not (transitively) depend on the broker");
    }
    if (SERVICES_WITH_METRICS.contains(command.get(0))) {
      int port = metricsPort(service);
      List<String> exposed = strings(service.get("expose"));
      if (!exposed.contains(String.valueOf(port))) {
        problems.add("service " + name + " serves metrics on " + port + " but exposes " + exposed);
      }
      String healthcheck = String.join(" ", strings(service.path("healthcheck").get("test")));
      if (!healthcheck.isEmpty() && !healthcheck.contains(":" + port + "/health/")) {
        problems.add("service " + name + "'s healthcheck `" + healthcheck + "` does not ask /health/* on port " + port);
      }
    }
  }

  private static boolean reaches(String from, String to, Map<String, JsonNode> services) {
    Deque<String> todo = new ArrayDeque<>(List.of(from));
    Set<String> seen = new HashSet<>();
    while (!todo.isEmpty()) {
      String current = todo.pop();
      if (!seen.add(current) || !services.containsKey(current)) {
        continue;
      }
      if (current.equals(to)) {
        return true;
      }
      todo.addAll(dependencies(services.get(current)).keySet());
    }
    return false;
  }

  /**
   * When a service mounts a prometheus.yml from the repository: every Foresight service with metrics is
   * a target at its metrics port, and every target naming a compose service uses that service's port.
   */
  private void checkPrometheusTargets(Map<String, JsonNode> services) {
    Path config = null;
    for (JsonNode service : services.values()) {
      for (JsonNode volume : service.path("volumes")) {
        String[] parts = volume.asText("").split(":");
        if (parts.length >= 2 && parts[1].equals("/etc/prometheus/prometheus.yml") && parts[0].startsWith(".")) {
          config = root.resolve(parts[0]).normalize();
        }
      }
    }
    if (config == null || !Files.isRegularFile(config)) {
      return; // a missing mount is reported by checkVolumes
    }
    Set<String> targets = new TreeSet<>();
    for (JsonNode job : DeployFiles.read(config).path("scrape_configs")) {
      String path = job.path("metrics_path").asText("/metrics");
      for (JsonNode staticConfig : job.path("static_configs")) {
        for (JsonNode target : staticConfig.path("targets")) {
          targets.add(target.asText());
          if (!path.equals("/metrics")) {
            problems.add("prometheus job " + job.path("job_name").asText() + " scrapes " + path + ", not /metrics");
          }
        }
      }
    }
    Map<String, Integer> metricsPorts = new LinkedHashMap<>();
    services.forEach((name, service) -> {
      if (isForesight(service) && !command(service).isEmpty()
          && SERVICES_WITH_METRICS.contains(command(service).get(0))) {
        metricsPorts.put(name, metricsPort(service));
      }
    });
    metricsPorts.forEach((name, port) -> {
      if (!targets.contains(name + ":" + port)) {
        problems.add("prometheus does not scrape " + name + ":" + port + " (targets: " + targets + ")");
      }
    });
    for (String target : targets) {
      int colon = target.lastIndexOf(':');
      String host = colon < 0 ? target : target.substring(0, colon);
      if (metricsPorts.containsKey(host) && !target.equals(host + ":" + metricsPorts.get(host))) {
        problems.add("prometheus scrapes " + target + ", but " + host + " serves metrics on " + metricsPorts.get(host));
      }
    }
  }
}
