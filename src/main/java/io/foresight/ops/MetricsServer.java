package io.foresight.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A service's metrics and health over HTTP, on the port of {@code --metrics-port}:
 *
 * <ul>
 *   <li>{@code GET /metrics}: every meter of {@link #registry()} in the Prometheus text format;
 *   <li>{@code GET /health/live}: 200 while every {@linkplain #addLivenessCheck liveness check} says
 *       alive (a stream thread, the trainer loop, the model watcher), else 503 with {@code {"status":
 *       "dead", "dead": [names]}}: the signal for Kubernetes to restart the container;
 *   <li>{@code GET /health/ready}: 200 when every {@linkplain #addReadinessCheck readiness check} says
 *       ready, else 503 with {@code {"status": "not ready", "notReady": [names]}}.
 * </ul>
 *
 * <p>Meters registered here (Prometheus names; every meter carries tag {@code application} when
 * {@link #start(int, String)} names one):
 *
 * <ul>
 *   <li>JVM: {@code jvm_memory_used_bytes}, {@code jvm_memory_committed_bytes},
 *       {@code jvm_memory_max_bytes} (tags {@code area}, {@code id}), {@code jvm_buffer_*},
 *       {@code jvm_gc_pause_seconds} (tags {@code action}, {@code cause}, {@code gc}),
 *       {@code jvm_gc_memory_allocated_bytes_total}, {@code jvm_threads_live_threads},
 *       {@code jvm_threads_peak_threads}, {@code jvm_threads_states_threads} (tag {@code state});
 *   <li>process: {@code process_cpu_usage}, {@code system_cpu_usage}, {@code system_cpu_count},
 *       {@code system_load_average_1m}, {@code process_uptime_seconds},
 *       {@code process_start_time_seconds};
 *   <li>Kafka, once bound: {@link #bind(KafkaStreams)} adds every Streams metric as
 *       {@code kafka_stream_<group>_<name>} (such as {@code kafka_stream_thread_process_rate}, tagged
 *       {@code client_id}, {@code thread_id}, ...); {@link #bind(Producer)} adds
 *       {@code kafka_producer_*} (such as {@code kafka_producer_record_send_total}) and
 *       {@link #bind(Consumer)} adds {@code kafka_consumer_*} (such as
 *       {@code kafka_consumer_fetch_manager_records_lag_max}), tagged {@code client_id}; every Kafka
 *       meter also carries {@code kafka_version}.
 * </ul>
 *
 * <p>Services register their own meters on {@link #registry()} and document them where they do.
 */
public final class MetricsServer implements AutoCloseable {

  /** The Prometheus text format, version 0.0.4, which Prometheus scrapes by default. */
  static final String PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private static final Logger LOG = LoggerFactory.getLogger(MetricsServer.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final PrometheusMeterRegistry registry;
  private final HttpServer server;
  private final ExecutorService executor;
  private final Map<String, BooleanSupplier> readiness = new LinkedHashMap<>();
  private final Map<String, BooleanSupplier> liveness = new LinkedHashMap<>();
  private final List<AutoCloseable> binders = new CopyOnWriteArrayList<>();
  private boolean closed;

  private MetricsServer(PrometheusMeterRegistry registry, HttpServer server, ExecutorService executor) {
    this.registry = registry;
    this.server = server;
    this.executor = executor;
  }

  /** Serves on {@code port} (0: a free one, see {@link #port()}) on every interface. */
  public static MetricsServer start(int port) {
    return start(port, null);
  }

  /** {@link #start(String, int, String)} on every interface. */
  public static MetricsServer start(int port, String application) {
    return start(null, port, application);
  }

  /**
   * Serves on {@code address}:{@code port} (address null: every interface; port 0: a free one),
   * tagging every meter {@code application=<application>} when it is not null ({@code ingest}, {@code
   * trainer}, {@code scorer}), so that one dashboard can tell the services apart.
   */
  public static MetricsServer start(String address, int port, String application) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    if (application != null) {
      registry.config().commonTags(Tags.of("application", application));
    }
    HttpServer server;
    try {
      InetSocketAddress bind =
          address == null || address.isBlank() ? new InetSocketAddress(port) : new InetSocketAddress(address, port);
      server = HttpServer.create(bind, 0);
    } catch (IOException e) {
      registry.close();
      throw new UncheckedIOException("Could not serve metrics on " + (address == null ? "" : address) + ":" + port, e);
    }
    ExecutorService executor = Executors.newFixedThreadPool(2, runnable -> {
      Thread thread = new Thread(runnable, "metrics-http");
      thread.setDaemon(true);
      return thread;
    });
    server.setExecutor(executor);
    MetricsServer metrics = new MetricsServer(registry, server, executor);
    server.createContext("/metrics", metrics::metrics);
    server.createContext("/health/live", metrics::live);
    server.createContext("/health/ready", metrics::ready);
    new JvmMemoryMetrics().bindTo(registry);
    metrics.bindClosing(new JvmGcMetrics());
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    server.start();
    LOG.info("Metrics at http://localhost:{}/metrics", metrics.port());
    return metrics;
  }

  /** The registry every meter of this process goes to. */
  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** The port served, the chosen one when started with 0. */
  public int port() {
    return server.getAddress().getPort();
  }

  /**
   * Adds a condition {@code /health/ready} waits for (state restored, model loaded, ...). The supplier
   * is called on every request, from the HTTP threads: keep it cheap and thread-safe.
   */
  public synchronized void addReadinessCheck(String name, BooleanSupplier ready) {
    readiness.put(name, ready);
  }

  /**
   * Adds a condition {@code /health/live} requires: false means the service cannot recover by itself
   * (a Streams client in ERROR, a dead loop) and should be restarted. Called from the HTTP threads.
   */
  public synchronized void addLivenessCheck(String name, BooleanSupplier alive) {
    liveness.put(name, alive);
  }

  /** The names of the readiness checks that do not pass now; empty when ready. */
  public synchronized List<String> notReady() {
    return failing(readiness);
  }

  /** The names of the liveness checks that do not pass now; empty when alive. */
  public synchronized List<String> dead() {
    return failing(liveness);
  }

  private static List<String> failing(Map<String, BooleanSupplier> checks) {
    List<String> names = new ArrayList<>();
    checks.forEach((name, check) -> {
      boolean ok;
      try {
        ok = check.getAsBoolean();
      } catch (RuntimeException e) {
        ok = false;
      }
      if (!ok) {
        names.add(name);
      }
    });
    return names;
  }

  /** Binds every metric of a Kafka Streams instance ({@code kafka_stream_*}) until close. */
  public void bind(KafkaStreams streams) {
    bindClosing(new KafkaStreamsMetrics(streams));
  }

  /** Binds every metric of a producer ({@code kafka_producer_*}) until close. */
  public void bind(Producer<?, ?> producer) {
    bindClosing(new KafkaClientMetrics(producer));
  }

  /** Binds every metric of a consumer ({@code kafka_consumer_*}) until close. */
  public void bind(Consumer<?, ?> consumer) {
    bindClosing(new KafkaClientMetrics(consumer));
  }

  private <B extends MeterBinder & AutoCloseable> void bindClosing(B binder) {
    binder.bindTo(registry);
    binders.add(binder);
  }

  /** Stops serving and closes the binders and the registry. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    server.stop(0);
    executor.shutdownNow();
    for (AutoCloseable binder : binders) {
      try {
        binder.close();
      } catch (Exception e) {
        LOG.warn("Could not close {}: {}", binder, e.toString());
      }
    }
    registry.close();
  }

  private void metrics(HttpExchange exchange) throws IOException {
    if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
      respond(exchange, 405, "text/plain", "GET only\n");
      return;
    }
    respond(exchange, 200, PROMETHEUS_CONTENT_TYPE, registry.scrape());
  }

  private void ready(HttpExchange exchange) throws IOException {
    health(exchange, notReady(), "ready", "not ready", "notReady");
  }

  private void live(HttpExchange exchange) throws IOException {
    health(exchange, dead(), "live", "dead", "dead");
  }

  private static void health(HttpExchange exchange, List<String> failing, String ok, String bad, String field)
      throws IOException {
    if (failing.isEmpty()) {
      respond(exchange, 200, "application/json", "{\"status\":\"" + ok + "\"}");
    } else {
      Map<String, Object> status = new LinkedHashMap<>();
      status.put("status", bad);
      status.put(field, failing);
      respond(exchange, 503, "application/json", JSON.writeValueAsString(status));
    }
  }

  private static void respond(HttpExchange exchange, int status, String contentType, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", contentType);
    boolean head = "HEAD".equals(exchange.getRequestMethod());
    exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      if (!head) {
        out.write(bytes);
      }
    }
  }
}
