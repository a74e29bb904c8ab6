package io.foresight.ops;

import com.fasterxml.jackson.databind.JsonNode;
import io.foresight.wire.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a Grafana dashboard asks Prometheus for: every PromQL {@code expr} of its panels, the metric
 * names those expressions select, and which of them a {@code /metrics} scrape lacks.
 *
 * <p>Names are compared exactly as queried: a panel on {@code foo_seconds_bucket} needs the scrape to
 * hold {@code foo_seconds_bucket}, not just some {@code foo_seconds_*} series.
 */
final class DashboardQueries {

  /** Series Prometheus adds itself for every target; no service exposes them. */
  static final Set<String> SYNTHETIC = Set.of(
      "up", "scrape_duration_seconds", "scrape_samples_scraped", "scrape_samples_post_metric_relabeling",
      "scrape_series_added");

  private static final Pattern STRINGS = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`");
  private static final Pattern LABEL_MATCHERS = Pattern.compile("\\{[^}]*}");
  private static final Pattern RANGES = Pattern.compile("\\[[^]]*]");
  private static final Pattern GROUPING =
      Pattern.compile("\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
  private static final Pattern GRAFANA_VARIABLES = Pattern.compile("\\$\\{[^}]*}|\\$\\w+");
  /** A number or duration (skipped), or an identifier. */
  private static final Pattern TOKENS =
      Pattern.compile("(?<number>\\d[\\w.]*(?:[eE][+-]?\\d+)?)|(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)");
  private static final Set<String> KEYWORDS = Set.of(
      "and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring", "group_left",
      "group_right", "inf", "nan");

  private DashboardQueries() {}

  /** Every {@code expr} string anywhere in a dashboard (panels, rows' panels, variables), in order. */
  static List<String> exprs(JsonNode dashboard) {
    List<String> out = new ArrayList<>();
    collect(dashboard, out);
    return out;
  }

  static List<String> exprs(Path dashboardJson) throws IOException {
    return exprs(Json.MAPPER.readTree(dashboardJson.toFile()));
  }

  private static void collect(JsonNode node, List<String> out) {
    if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        if (field.getKey().equals("expr") && field.getValue().isTextual()) {
          out.add(field.getValue().asText());
        } else {
          collect(field.getValue(), out);
        }
      }
    } else if (node.isArray()) {
      node.forEach(child -> collect(child, out));
    }
  }

  /**
   * The metric names a PromQL expression selects: identifiers that are not functions or aggregations
   * (followed by a parenthesis), keywords, numbers, durations, label names or values, or Grafana
   * variables.
   */
  static Set<String> metricNames(String expr) {
    String s = STRINGS.matcher(expr).replaceAll(" ");
    s = LABEL_MATCHERS.matcher(s).replaceAll(" ");
    s = RANGES.matcher(s).replaceAll(" ");
    s = GROUPING.matcher(s).replaceAll(" ");
    s = GRAFANA_VARIABLES.matcher(s).replaceAll(" ");
    Set<String> names = new TreeSet<>();
    Matcher m = TOKENS.matcher(s);
    while (m.find()) {
      String name = m.group("name");
      if (name == null || KEYWORDS.contains(name.toLowerCase(java.util.Locale.ROOT))) {
        continue;
      }
      int next = m.end();
      while (next < s.length() && Character.isWhitespace(s.charAt(next))) {
        next++;
      }
      if (next < s.length() && s.charAt(next) == '(') {
        continue; // a function or an aggregation
      }
      names.add(name);
    }
    return names;
  }

  /** The series names of a Prometheus text-format scrape (comments skipped). */
  static Set<String> seriesNames(String scrape) {
    Set<String> names = new TreeSet<>();
    for (String line : scrape.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int end = 0;
      while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
        end++;
      }
      names.add(line.substring(0, end));
    }
    return names;
  }

  /** Metric names the dashboard queries that the scrape does not hold, each with the expression. */
  static Map<String, String> missing(JsonNode dashboard, Set<String> scraped) {
    Map<String, String> missing = new java.util.TreeMap<>();
    for (String expr : exprs(dashboard)) {
      for (String name : metricNames(expr)) {
        if (!scraped.contains(name) && !SYNTHETIC.contains(name)) {
          missing.putIfAbsent(name, expr);
        }
      }
    }
    return missing;
  }
}
