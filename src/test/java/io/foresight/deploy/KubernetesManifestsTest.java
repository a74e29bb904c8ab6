package io.foresight.deploy;

import static io.foresight.deploy.KubernetesCheck.find;
import static io.foresight.deploy.KubernetesCheck.ofKind;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.foresight.ops.StrimziTopics;
import io.foresight.ops.TopicDefinition;
import io.foresight.wire.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code k8s/}: the kustomize base and the GPU overlay are complete and agree with the CLI, and
 * {@code k8s/base/topics.yaml} is the current rendering of {@code topics/}. kubectl is not needed: the
 * manifests are parsed and checked structurally ({@link KubernetesCheck}).
 */
class KubernetesManifestsTest {

  private static final Path ROOT = Path.of("").toAbsolutePath();
  private static final Path BASE = ROOT.resolve("k8s/base");
  private static final Path GPU = ROOT.resolve("k8s/overlays/gpu");

  @Test
  void topicsYamlIsTheRenderingOfTopicsFolder() throws Exception {
    String rendered = StrimziTopics.render(TopicDefinition.loadFrom(ROOT.resolve("topics")),
        StrimziTopics.DEFAULT_CLUSTER, StrimziTopics.DEFAULT_REPLICAS);

    assertThat(Files.readString(BASE.resolve("topics.yaml")))
        .as("k8s/base/topics.yaml is stale; render it again from topics/ with"
            + " `./foresight topics --dir topics --render-strimzi k8s/base/topics.yaml`")
        .isEqualTo(rendered);
  }

  @Test
  void everyResourceAndPatchTheKustomizationsListExistsAndNoManifestIsForgotten() {
    List<String> problems = new ArrayList<>();

    KubernetesCheck.build(BASE, problems);
    KubernetesCheck.build(GPU, problems);

    assertThat(problems).isEmpty();
  }

  @Test
  void theWorkloadsRunRealCommandsWithProbesMetricsResourcesAndTheDjlEnvironment() {
    List<JsonNode> base = base();

    assertThat(KubernetesCheck.problems(base, DeployFiles.launcherGlibcTunables(ROOT))).isEmpty();
    assertThat(find(base, "StatefulSet", "ingest")).isNotNull();
    assertThat(find(base, "StatefulSet", "scorer")).isNotNull();
    assertThat(find(base, "Deployment", "trainer")).isNotNull();
    assertThat(ofKind(base, "StatefulSet").size() + ofKind(base, "Deployment").size()).isEqualTo(3);
  }

  @Test
  void ingestAndScorerKeepStreamsStateOnAClaimMountedAtTheirStateDir() {
    for (String name : List.of("ingest", "scorer")) {
      JsonNode set = find(base(), "StatefulSet", name);
      JsonNode container = container(set, name);
      String stateDir = DeployFiles.flag(DeployFiles.strings(container.get("args")), "--state-dir");
      JsonNode claims = set.path("spec").path("volumeClaimTemplates");

      assertThat(DeployFiles.strings(container.get("args")).get(0)).isEqualTo(name);
      assertThat(stateDir).as(name + " --state-dir").isNotNull();
      assertThat(claims).as(name + " volumeClaimTemplates").isNotEmpty();
      String claim = claims.get(0).path("metadata").path("name").asText();
      assertThat(container.path("volumeMounts")).anySatisfy(mount -> {
        assertThat(mount.path("name").asText()).isEqualTo(claim);
        assertThat(mount.path("mountPath").asText()).isEqualTo(stateDir);
      });
    }
  }

  @Test
  void ingestAndScorerRunStandbyReplicasAndRejoinUnderTheirPodNames() {
    for (String name : List.of("ingest", "scorer")) {
      JsonNode set = find(base(), "StatefulSet", name);
      java.util.Map<String, JsonNode> env = new java.util.HashMap<>();
      container(set, name).path("env").forEach(e -> env.put(e.path("name").asText(), e));

      assertThat(set.path("spec").path("replicas").asInt()).as(name + " replicas").isGreaterThan(1);
      assertThat(env.get("FORESIGHT_KAFKA_NUM_STANDBY_REPLICAS").path("value").asInt()).isEqualTo(1);
      // the instance id must differ per pod and survive a restart: the pod's own name
      assertThat(env.get("FORESIGHT_KAFKA_GROUP_INSTANCE_ID").path("value").asText()).isEqualTo("$(POD_NAME)");
      assertThat(env.get("POD_NAME").path("valueFrom").path("fieldRef").path("fieldPath").asText())
          .isEqualTo("metadata.name");
    }
  }

  @Test
  void theTrainerIsASingleInstanceNeverTwoAtOnce() {
    JsonNode trainer = find(base(), "Deployment", "trainer");

    assertThat(trainer.path("spec").path("replicas").asInt()).isEqualTo(1);
    assertThat(trainer.path("spec").path("strategy").path("type").asText()).isEqualTo("Recreate");
  }

  @Test
  void everyTopicIsAStrimziKafkaTopicOfTheClusterTheServicesConnectTo() {
    List<JsonNode> base = base();
    List<JsonNode> topics = ofKind(base, "KafkaTopic");

    assertThat(topics).extracting(t -> t.path("metadata").path("name").asText())
        .containsExactlyElementsOf(Topics.ALL);
    assertThat(topics).allSatisfy(topic -> {
      assertThat(topic.path("apiVersion").asText()).isEqualTo("kafka.strimzi.io/v1beta2");
      assertThat(topic.path("metadata").path("labels").path("strimzi.io/cluster").asText())
          .isEqualTo(StrimziTopics.DEFAULT_CLUSTER);
      assertThat(topic.path("spec").path("replicas").asInt()).isEqualTo(StrimziTopics.DEFAULT_REPLICAS);
      assertThat(topic.path("spec").path("config").path("cleanup.policy").asText()).isNotEmpty();
    });
    JsonNode config = find(base, "ConfigMap", "foresight-config");
    assertThat(config.path("data").path("FORESIGHT_BOOTSTRAP_SERVERS").asText())
        .isEqualTo(StrimziTopics.DEFAULT_CLUSTER + "-kafka-bootstrap:9092");
    assertThat(DeployFiles.read(BASE.resolve("kustomization.yaml")).path("namespace").asText())
        .isEqualTo("foresight");
  }

  @Test
  void everyContainerImageCanBeRepointedFromTheKustomization() {
    List<String> images = new ArrayList<>();
    DeployFiles.read(BASE.resolve("kustomization.yaml")).path("images")
        .forEach(image -> images.add(image.path("name").asText()));

    for (JsonNode workload : base()) {
      workload.path("spec").path("template").path("spec").path("containers")
          .forEach(container -> assertThat(images).contains(container.path("image").asText()));
    }
  }

  @Test
  void theGpuOverlayGivesTheTrainerAGpuOnAGpuNodeFromTheCudaImage() {
    JsonNode kustomization = DeployFiles.read(GPU.resolve("kustomization.yaml"));
    assertThat(DeployFiles.strings(kustomization.get("resources"))).containsExactly("../../base");
    JsonNode patchEntry = kustomization.path("patches").get(0);
    assertThat(patchEntry.path("target").path("kind").asText()).isEqualTo("Deployment");
    assertThat(patchEntry.path("target").path("name").asText()).isEqualTo("trainer");
    JsonNode patch = DeployFiles.read(GPU.resolve(patchEntry.path("path").asText()));
    assertThat(patch.path("kind").asText()).isEqualTo("Deployment");
    assertThat(patch.path("metadata").path("name").asText()).isEqualTo("trainer");

    JsonNode pod = patch.path("spec").path("template").path("spec");
    JsonNode container = container(patch, "trainer");
    assertThat(container(find(base(), "Deployment", "trainer"), "trainer")).as("base trainer container").isNotNull();
    assertThat(container.path("resources").path("limits").path("nvidia.com/gpu").asInt()).isGreaterThanOrEqualTo(1);
    assertThat(pod.path("nodeSelector").isEmpty() && pod.path("tolerations").isEmpty()).isFalse();
    assertThat(pod.path("tolerations")).anySatisfy(t -> assertThat(t.path("key").asText()).isEqualTo("nvidia.com/gpu"));
    if (container.has("args")) {
      assertThat(DeployFiles.parseProblem(DeployFiles.strings(container.get("args")))).isNull();
    }
    // The patch's image is renamed by the overlay to a CUDA build of the same image.
    String image = container.path("image").asText();
    assertThat(kustomization.path("images")).anySatisfy(entry -> {
      assertThat(entry.path("name").asText()).isEqualTo(image);
      assertThat(entry.path("newTag").asText()).contains("cuda");
    });
    // Volumes the patch resizes exist in the base pod.
    List<String> baseVolumes = new ArrayList<>();
    find(base(), "Deployment", "trainer").path("spec").path("template").path("spec").path("volumes")
        .forEach(v -> baseVolumes.add(v.path("name").asText()));
    pod.path("volumes").forEach(v -> assertThat(baseVolumes).contains(v.path("name").asText()));
  }

  @Test
  void aBrokenWorkloadIsReportedProblemByProblem() {
    List<JsonNode> documents = List.of(
        DeployFiles.parse("""
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: env}
            data: {DJL_OFFLINE: "true", FORESIGHT_NO_SUCH_SETTING: "1", FORESIGHT_KAFKA_SASL_MECHANISM: PLAIN}
            """),
        DeployFiles.parse("""
            apiVersion: apps/v1
            kind: StatefulSet
            metadata: {name: scorer}
            spec:
              serviceName: nowhere
              selector: {matchLabels: {app: scorer}}
              template:
                metadata:
                  labels: {app: other}
                spec:
                  containers:
                    - name: scorer
                      image: foresight
                      args: ["scorer", "--state-dir", "/state", "--metrics-port", "9000"]
                      envFrom: [{configMapRef: {name: env}}, {configMapRef: {name: missing}}]
                      ports: [{name: metrics, containerPort: 9464}]
                      livenessProbe: {httpGet: {path: /healthz, port: metrics}}
                      readinessProbe: {httpGet: {path: /health/ready, port: 9464}}
                      volumeMounts: [{name: data, mountPath: /data}]
            """),
        DeployFiles.parse("""
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: trainer}
            spec:
              template:
                spec:
                  containers: [{name: trainer, args: ["train"]}]
            """));

    List<String> problems = KubernetesCheck.problems(documents, "tunables");

    assertThat(problems)
        .anyMatch(p -> p.contains("StatefulSet scorer: selector {app=scorer} does not select its pods {app=other}"))
        .anyMatch(p -> p.contains("serviceName nowhere is not a headless Service here"))
        .anyMatch(p -> p.contains("pods lack prometheus.io/scrape"))
        .anyMatch(p -> p.contains("reads ConfigMap missing, which does not exist"))
        .anyMatch(p -> p.contains("sets [FORESIGHT_NO_SUCH_SETTING]"))
        .anyMatch(p -> p.contains("GLIBC_TUNABLES is null, not the launcher's tunables"))
        .anyMatch(p -> p.contains("no bootstrap servers"))
        .anyMatch(p -> p.contains("serves metrics on 9000 but declares ports {metrics=9464}"))
        .anyMatch(p -> p.contains("probe for /health/live asks /healthz"))
        .anyMatch(p -> p.contains("probe for /health/ready asks /health/ready on port 9464, not /health/ready on the metrics port 9000"))
        .anyMatch(p -> p.contains("has no resources.requests.cpu"))
        .anyMatch(p -> p.contains("mounts volume data, which the pod does not have"))
        .anyMatch(p -> p.contains("keeps state in /state, where no volume is mounted"))
        .anyMatch(p -> p.contains("Deployment trainer container trainer runs `train`: 'train' is not a foresight command"))
        .noneMatch(p -> p.contains("FORESIGHT_KAFKA_SASL_MECHANISM"));
  }

  private static List<JsonNode> base() {
    List<String> problems = new ArrayList<>();
    List<JsonNode> documents = KubernetesCheck.build(BASE, problems);
    assertThat(problems).isEmpty();
    return documents;
  }

  private static JsonNode container(JsonNode workload, String name) {
    for (JsonNode container : workload.path("spec").path("template").path("spec").path("containers")) {
      if (name.equals(container.path("name").asText())) {
        return container;
      }
    }
    return null;
  }
}
