package io.foresight.cli;

import picocli.CommandLine.Option;

/** {@code --metrics-port}: where a service serves {@code /metrics} and {@code /health/*}. */
public final class MetricsOptions {

  /** Prometheus' conventional port range; the same in every service, one service per container. */
  public static final int DEFAULT_PORT = 9464;

  @Option(names = "--metrics-port", paramLabel = "PORT", defaultValue = "" + DEFAULT_PORT,
      description = "Port for GET /metrics, /health/live and /health/ready; 0 picks a free one"
          + " (env FORESIGHT_METRICS_PORT; default: ${DEFAULT-VALUE}).")
  int port = DEFAULT_PORT;

  @Option(names = "--metrics-address", paramLabel = "ADDRESS",
      description = "Address to serve metrics and health on, such as 127.0.0.1 (env"
          + " FORESIGHT_METRICS_ADDRESS; default: every interface).")
  String address;

  /** The port to serve metrics on; 0 for an ephemeral one. */
  public int port() {
    return port;
  }

  /** Serves this service's metrics and health where these options say. */
  public io.foresight.ops.MetricsServer start(String application) {
    return io.foresight.ops.MetricsServer.start(address, port, application);
  }
}
