package io.foresight.deploy;

import static io.foresight.deploy.DeployFiles.flag;
import static io.foresight.deploy.DeployFiles.strings;
import static io.foresight.deploy.DeployFiles.text;

import com.fasterxml.jackson.databind.JsonNode;
import io.foresight.cli.MetricsOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Structural checks of kustomize folders without kubectl: {@link #build} follows a kustomization's
 * resources (files and folders) and reports what is missing; {@link #problems} cross-checks the
 * workloads (StatefulSets, Deployments) against the CLI, their ConfigMaps, Services and volumes. Patches
 * are not applied; tests check them separately.
 */
final class KubernetesCheck {

  private KubernetesCheck() {}

  /**
   * Every document of the resources a kustomization lists, following folders (other kustomizations);
   * adds to {@code problems} every resource, patch or folder that does not exist, and every manifest in
   * a folder that its kustomization forgets.
   */
  static List<JsonNode> build(Path dir, List<String> problems) {
    List<JsonNode> documents = new ArrayList<>();
    Path file = dir.resolve("kustomization.yaml");
    if (!Files.isRegularFile(file)) {
      problems.add(dir + " has no kustomization.yaml");
      return documents;
    }
    JsonNode kustomization = DeployFiles.read(file);
    Set<Path> listed = new HashSet<>(List.of(file));
    for (String resource : strings(kustomization.get("resources"))) {
      Path path = dir.resolve(resource).normalize();
      listed.add(path);
      if (Files.isDirectory(path)) {
        documents.addAll(build(path, problems));
      } else if (Files.isRegularFile(path)) {
        documents.addAll(DeployFiles.readAll(path));
      } else {
        problems.add(file + " lists " + resource + ", which does not exist");
      }
    }
    for (JsonNode patch : kustomization.path("patches")) {
      String path = text(patch.get("path"));
      if (path != null) {
        listed.add(dir.resolve(path).normalize());
        if (!Files.isRegularFile(dir.resolve(path))) {
          problems.add(file + " patches with " + path + ", which does not exist");
        }
      }
    }
    try (Stream<Path> files = Files.list(dir)) {
      files.filter(f -> f.toString().endsWith(".yaml") && !listed.contains(f.normalize()))
          .forEach(f -> problems.add(f + " is not listed in " + file));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return documents;
  }

  /** The documents of one kind. */
  static List<JsonNode> ofKind(List<JsonNode> documents, String kind) {
    return documents.stream().filter(d -> kind.equals(d.path("kind").asText())).toList();
  }

  /** The document of a kind and name, or null. */
  static JsonNode find(List<JsonNode> documents, String kind, String name) {
    return ofKind(documents, kind).stream()
        .filter(d -> name.equals(d.path("metadata").path("name").asText())).findFirst().orElse(null);
  }

  /** A container's environment: its ConfigMaps (envFrom) overridden by its own env values. */
  static Map<String, String> environment(JsonNode container, List<JsonNode> documents, List<String> problems) {
    Map<String, String> env = new LinkedHashMap<>();
    for (JsonNode from : container.path("envFrom")) {
      String name = text(from.path("configMapRef").get("name"));
      if (name == null) {
        continue;
      }
      JsonNode configMap = find(documents, "ConfigMap", name);
      if (configMap == null) {
        problems.add("container " + container.path("name").asText() + " reads ConfigMap " + name + ", which does not exist");
      } else {
        env.putAll(DeployFiles.environment(configMap.get("data")));
      }
    }
    for (JsonNode variable : container.path("env")) {
      env.put(variable.path("name").asText(), variable.path("value").asText(""));
    }
    return env;
  }

  /** Everything wrong with the workloads among {@code documents}; empty when all is well. */
  static List<String> problems(List<JsonNode> documents, String glibcTunables) {
    List<String> problems = new ArrayList<>();
    for (JsonNode document : documents) {
      if (text(document.get("apiVersion")) == null || text(document.get("kind")) == null
          || text(document.path("metadata").get("name")) == null) {
        problems.add("a document lacks apiVersion, kind or metadata.name: " + document);
      }
    }
    List<JsonNode> workloads = new ArrayList<>(ofKind(documents, "StatefulSet"));
    workloads.addAll(ofKind(documents, "Deployment"));
    for (JsonNode workload : workloads) {
      checkWorkload(workload, documents, glibcTunables, problems);
    }
    return problems;
  }

  private static void checkWorkload(
      JsonNode workload, List<JsonNode> documents, String glibcTunables, List<String> problems) {
    String name = workload.path("kind").asText() + " " + workload.path("metadata").path("name").asText();
    JsonNode template = workload.path("spec").path("template");
    Map<String, String> podLabels = DeployFiles.environment(template.path("metadata").get("labels"));
    Map<String, String> selector = DeployFiles.environment(workload.path("spec").path("selector").get("matchLabels"));
    if (selector.isEmpty() || !podLabels.entrySet().containsAll(selector.entrySet())) {
      problems.add(name + ": selector " + selector + " does not select its pods " + podLabels);
    }
    if (workload.path("kind").asText().equals("StatefulSet")) {
      String serviceName = workload.path("spec").path("serviceName").asText();
      JsonNode service = find(documents, "Service", serviceName);
      if (service == null || !"None".equals(service.path("spec").path("clusterIP").asText())) {
        problems.add(name + ": serviceName " + serviceName + " is not a headless Service here");
      } else if (!podLabels.entrySet().containsAll(
          DeployFiles.environment(service.path("spec").get("selector")).entrySet())) {
        problems.add(name + ": Service " + serviceName + " does not select its pods");
      }
    }
    Map<String, String> annotations = DeployFiles.environment(template.path("metadata").get("annotations"));
    if (!"true".equals(annotations.get("prometheus.io/scrape")) || !"/metrics".equals(annotations.get("prometheus.io/path"))) {
      problems.add(name + ": pods lack prometheus.io/scrape \"true\" and prometheus.io/path /metrics: " + annotations);
    }
    Set<String> volumes = new HashSet<>();
    template.path("spec").path("volumes").forEach(v -> volumes.add(v.path("name").asText()));
    workload.path("spec").path("volumeClaimTemplates").forEach(v -> volumes.add(v.path("metadata").path("name").asText()));

    for (JsonNode container : template.path("spec").path("containers")) {
      String where = name + " container " + container.path("name").asText();
      List<String> args = strings(container.get("args"));
      String parse = DeployFiles.parseProblem(args);
      if (parse != null) {
        problems.add(where + " runs `" + String.join(" ", args) + "`: " + parse);
        continue;
      }
      Map<String, String> env = environment(container, documents, problems);
      Set<String> unknown = DeployFiles.unknownEnvironment(args.get(0), env.keySet());
      if (!unknown.isEmpty()) {
        problems.add(where + " sets " + unknown + ", which `" + args.get(0) + "` does not read");
      }
      if (!"true".equals(env.get("DJL_OFFLINE"))) {
        problems.add(where + ": DJL_OFFLINE is not true");
      }
      if (!glibcTunables.equals(env.get("GLIBC_TUNABLES"))) {
        problems.add(where + ": GLIBC_TUNABLES is " + env.get("GLIBC_TUNABLES") + ", not the launcher's " + glibcTunables);
      }
      if (env.get("FORESIGHT_BOOTSTRAP_SERVERS") == null && flag(args, "--bootstrap-servers") == null) {
        problems.add(where + ": no bootstrap servers");
      }
      String portText = flag(args, "--metrics-port");
      if (portText == null) {
        portText = env.getOrDefault("FORESIGHT_METRICS_PORT", String.valueOf(MetricsOptions.DEFAULT_PORT));
      }
      int port = Integer.parseInt(portText);
      Map<String, Integer> ports = new LinkedHashMap<>();
      container.path("ports").forEach(p -> ports.put(p.path("name").asText(""), p.path("containerPort").asInt()));
      if (!ports.containsValue(port)) {
        problems.add(where + " serves metrics on " + port + " but declares ports " + ports);
      }
      if (!String.valueOf(port).equals(annotations.get("prometheus.io/port"))) {
        problems.add(where + " serves metrics on " + port + " but prometheus.io/port says " + annotations.get("prometheus.io/port"));
      }
      checkProbe(where, container.path("livenessProbe"), "/health/live", port, ports, problems);
      checkProbe(where, container.path("readinessProbe"), "/health/ready", port, ports, problems);
      JsonNode resources = container.path("resources");
      for (String field : List.of("requests/cpu", "requests/memory", "limits/memory")) {
        String[] parts = field.split("/");
        if (text(resources.path(parts[0]).get(parts[1])) == null) {
          problems.add(where + " has no resources." + parts[0] + "." + parts[1]);
        }
      }
      Set<String> mountPaths = new HashSet<>();
      for (JsonNode mount : container.path("volumeMounts")) {
        mountPaths.add(mount.path("mountPath").asText());
        if (!volumes.contains(mount.path("name").asText())) {
          problems.add(where + " mounts volume " + mount.path("name").asText() + ", which the pod does not have");
        }
      }
      String stateDir = flag(args, "--state-dir");
      if (stateDir != null && !mountPaths.contains(stateDir)) {
        problems.add(where + " keeps state in " + stateDir + ", where no volume is mounted");
      }
    }
  }

  private static void checkProbe(
      String where, JsonNode probe, String path, int port, Map<String, Integer> ports, List<String> problems) {
    JsonNode get = probe.path("httpGet");
    String probePort = get.path("port").asText();
    Integer resolved = ports.containsKey(probePort) ? ports.get(probePort)
        : probePort.matches("[0-9]+") ? Integer.valueOf(probePort) : null;
    if (!path.equals(get.path("path").asText()) || resolved == null || resolved != port) {
      problems.add(where + ": probe for " + path + " asks " + get.path("path").asText("nothing")
          + " on port " + probePort + ", not " + path + " on the metrics port " + port);
    }
  }
}
