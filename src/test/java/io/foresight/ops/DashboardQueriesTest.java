package io.foresight.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.foresight.wire.Json;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DashboardQueriesTest {

  @Test
  void extractsMetricNamesNotFunctionsLabelsOrDurations() {
    assertThat(DashboardQueries.metricNames("sum by (application) (rate(foresight_ingest_timesteps_total[1m]))"))
        .containsExactly("foresight_ingest_timesteps_total");
    assertThat(DashboardQueries.metricNames(
            "histogram_quantile(0.99, sum by (le) (rate(foresight_e2e_latency_seconds_bucket{application=~\"demo|scorer\"}[5m])))"))
        .containsExactly("foresight_e2e_latency_seconds_bucket");
    assertThat(DashboardQueries.metricNames(
            "rate(a_sum[1m]) / ignoring(x) group_left rate(a_count[1m] offset 5m) > bool 0.5e3"))
        .containsExactly("a_count", "a_sum");
    assertThat(DashboardQueries.metricNames(
            "max by (reason) (foresight_dlq_records_total{reason=\"stale\", service!=\"x\"}) or vector(0)"))
        .containsExactly("foresight_dlq_records_total");
    assertThat(DashboardQueries.metricNames("max(kafka_consumer_fetch_manager_records_lag_max{job=\"$job\"}) * $scale"))
        .containsExactly("kafka_consumer_fetch_manager_records_lag_max");
    assertThat(DashboardQueries.metricNames("up{job=\"ingest\"} == 1 and on(instance) process_uptime_seconds"))
        .containsExactly("process_uptime_seconds", "up");
  }

  @Test
  void reportsAPanelThatQueriesAMetricTheScrapeLacks() throws Exception {
    JsonNode dashboard = Json.MAPPER.readTree("""
        {"panels": [
          {"title": "ok", "targets": [{"expr": "rate(foresight_ingest_timesteps_total[1m])"}]},
          {"type": "row", "panels": [
            {"title": "typo", "targets": [{"expr": "sum(rate(foresight_ingest_timestep_total[1m]))"}]}]},
          {"title": "health", "targets": [{"expr": "up == 1"}]}
        ]}
        """);
    Set<String> scraped = DashboardQueries.seriesNames("""
        # HELP foresight_ingest_timesteps_total Steps accepted
        # TYPE foresight_ingest_timesteps_total counter
        foresight_ingest_timesteps_total{application="demo"} 42.0
        jvm_threads_live_threads 12
        """);

    assertThat(scraped).containsExactly("foresight_ingest_timesteps_total", "jvm_threads_live_threads");
    assertThat(DashboardQueries.missing(dashboard, scraped))
        .containsOnlyKeys("foresight_ingest_timestep_total");
  }

  @Test
  void theShippedDashboardHasQueriesOnEveryPanel() throws Exception {
    JsonNode dashboard = Json.MAPPER.readTree(Path.of("grafana/dashboards/foresight.json").toFile());

    assertThat(dashboard.path("uid").asText()).isEqualTo("foresight");
    assertThat(DashboardQueries.exprs(dashboard)).hasSizeGreaterThanOrEqualTo(10);
    dashboard.path("panels").forEach(panel -> {
      if (!panel.path("type").asText().equals("row")) {
        assertThat(panel.path("targets")).as(panel.path("title").asText()).isNotEmpty();
      }
    });
  }
}
