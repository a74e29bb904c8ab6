package io.foresight.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MetricsServerTest {

  private final HttpClient http = HttpClient.newHttpClient();
  private MetricsServer server;

  @BeforeEach
  void start() {
    server = MetricsServer.start(0, "test");
  }

  @AfterEach
  void stop() {
    server.close();
    server.close(); // idempotent
  }

  private HttpResponse<String> get(String path) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://localhost:" + server.port() + path)).build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void metricsServesRegisteredMetersInPrometheusTextFormat() throws Exception {
    server.registry().counter("foresight.test.records", "topic", "foresight.timesteps").increment(3);

    HttpResponse<String> response = get("/metrics");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
        type -> assertThat(type).startsWith("text/plain; version=0.0.4"));
    assertThat(response.body())
        .contains("# TYPE foresight_test_records_total counter")
        .contains("foresight_test_records_total{application=\"test\",topic=\"foresight.timesteps\"} 3.0")
        .contains("jvm_memory_used_bytes")
        .contains("process_uptime_seconds");
  }

  @Test
  void readyOnlyOnceEveryCheckPasses() throws Exception {
    AtomicBoolean restored = new AtomicBoolean();
    server.addReadinessCheck("state-restored", restored::get);
    server.addReadinessCheck("model-loaded", () -> true);

    HttpResponse<String> before = get("/health/ready");
    assertThat(before.statusCode()).isEqualTo(503);
    assertThat(before.body()).isEqualTo("{\"status\":\"not ready\",\"notReady\":[\"state-restored\"]}");
    assertThat(get("/health/live").statusCode()).isEqualTo(200);

    restored.set(true);

    assertThat(get("/health/ready").statusCode()).isEqualTo(200);
  }

  @Test
  void aCheckThatThrowsCountsAsNotReady() throws Exception {
    server.addReadinessCheck("broken", () -> {
      throw new IllegalStateException("boom");
    });

    assertThat(get("/health/ready").statusCode()).isEqualTo(503);
  }

  @Test
  void readyWithNoChecks() throws Exception {
    assertThat(get("/health/ready").statusCode()).isEqualTo(200);
  }

  @Test
  void liveFailsWithTheNamesOfDeadPartsSoKubernetesRestartsTheService() throws Exception {
    AtomicBoolean loopRunning = new AtomicBoolean(true);
    server.addLivenessCheck("trainer-loop", loopRunning::get);
    server.addLivenessCheck("model-watcher", () -> true);
    assertThat(get("/health/live").statusCode()).isEqualTo(200);

    loopRunning.set(false);

    HttpResponse<String> dead = get("/health/live");
    assertThat(dead.statusCode()).isEqualTo(503);
    assertThat(dead.body()).isEqualTo("{\"status\":\"dead\",\"dead\":[\"trainer-loop\"]}");
  }

  @Test
  void servesOnTheGivenAddressOnly() throws Exception {
    try (MetricsServer loopback = MetricsServer.start("127.0.0.1", 0, "test")) {
      assertThat(loopback.port()).isPositive();
      HttpResponse<String> response = http.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + loopback.port() + "/health/live")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
      java.net.InetAddress other = java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())
          .stream().flatMap(i -> java.util.Collections.list(i.getInetAddresses()).stream())
          .filter(a -> !a.isLoopbackAddress() && a instanceof java.net.Inet4Address)
          .findFirst().orElse(null);
      org.junit.jupiter.api.Assumptions.assumeTrue(other != null, "no non-loopback address to try");
      try (java.net.Socket socket = new java.net.Socket()) {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> socket.connect(new java.net.InetSocketAddress(other, loopback.port()), 1000))
            .isInstanceOf(java.io.IOException.class);
      }
    }
  }
}
