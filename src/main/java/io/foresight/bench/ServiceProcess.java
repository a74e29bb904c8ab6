package io.foresight.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * One Foresight service as a JVM of its own ({@code java -cp <classpath> io.foresight.cli.Main
 * <args>}), started, killed with SIGKILL and started again; incarnation {@code n} logs stdout and stderr
 * to {@code <logs>/<role>-<n>.log}.
 *
 * <p>{@link #kill()} is {@link Process#destroyForcibly()}: on Linux the JDK sends SIGKILL ({@code
 * ProcessHandleImpl} calls {@code kill(pid, SIGKILL)} when forced), so no shutdown hook runs, no
 * consumer leaves its group, no transaction is ended and no state store checkpoint is written; the
 * process's exit value then is 137 (128 + 9), which the run records for every kill as the proof.
 */
final class ServiceProcess {

  /** The processes a fault run kills. */
  enum Role {
    broker,
    ingest,
    scorer,
    trainer
  }

  /** The exit value of a process killed by SIGKILL (128 + signal 9). */
  static final int SIGKILL_EXIT = 137;

  /** What .ci/run and ./foresight set: DJL never reaches for the network; glibc malloc costs DJL 2x. */
  static final Map<String, String> ENV = Map.of(
      "DJL_OFFLINE", "true",
      "GLIBC_TUNABLES", System.getenv().getOrDefault("GLIBC_TUNABLES",
          "glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=4294967296"));

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  private final Role role;
  private final List<String> command;
  private final Map<String, String> env;
  private final Path logs;
  private final BooleanSupplier ready;
  private volatile Process process;
  private int incarnation;
  private long startedNanos;

  /**
   * @param jvm the java executable and its options, up to and including the class path
   * @param args the arguments of {@code io.foresight.cli.Main}
   * @param ready whether the current incarnation serves (its /health/ready, or the broker's clients)
   */
  ServiceProcess(Role role, List<String> jvm, List<String> args, Map<String, String> env, Path logs,
      BooleanSupplier ready) {
    this.role = role;
    this.command = new ArrayList<>(jvm);
    this.command.add("io.foresight.cli.Main");
    this.command.addAll(args);
    this.env = Map.copyOf(env);
    this.logs = logs;
    this.ready = ready;
  }

  Role role() {
    return role;
  }

  /** Starts the next incarnation. */
  synchronized void start() throws IOException {
    incarnation++;
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log(incarnation).toFile()));
    builder.environment().putAll(env);
    startedNanos = System.nanoTime();
    process = builder.start();
  }

  /** Kills the running incarnation with SIGKILL and returns its exit value (137 when SIGKILL). */
  synchronized int kill() throws InterruptedException {
    process.destroyForcibly();
    return process.waitFor();
  }

  /** Asks the process to stop (SIGTERM, shutdown hooks run), killing it after {@code seconds}. */
  synchronized void stop(int seconds) throws InterruptedException {
    if (process == null || !process.isAlive()) {
      return;
    }
    process.destroy();
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }

  /** SIGKILL without waiting, for a shutdown hook; nothing when not running. */
  void killQuietly() {
    Process p = process;
    if (p != null) {
      p.destroyForcibly();
    }
  }

  synchronized boolean alive() {
    return process != null && process.isAlive();
  }

  /** The exit value of a process that ended, for a report. */
  synchronized int exitValue() {
    return process.exitValue();
  }

  boolean ready() {
    return alive() && ready.getAsBoolean();
  }

  int incarnation() {
    return incarnation;
  }

  Path log(int incarnation) {
    return logs.resolve(role + "-" + incarnation + ".log");
  }

  /**
   * Waits until the current incarnation is ready and returns the seconds since it was started, or
   * null when it was not ready within {@code timeoutSeconds} or died.
   */
  Double awaitReady(double timeoutSeconds) throws InterruptedException {
    long deadline = System.nanoTime() + (long) (timeoutSeconds * 1e9);
    while (System.nanoTime() < deadline && alive()) {
      if (ready()) {
        return (System.nanoTime() - startedNanos) / 1e9;
      }
      Thread.sleep(100);
    }
    return null;
  }

  /** The running incarnation's operating-system process id. */
  synchronized long pid() {
    return process.pid();
  }

  /** A process's resident set now and its peak so far, in bytes. */
  record Resident(long bytes, long peakBytes) {}

  /**
   * The running incarnation's {@code VmRSS} and {@code VmHWM} from {@code /proc/<pid>/status}, or null
   * where there is no such file (not Linux, or it ended).
   */
  synchronized Resident resident() {
    try {
      long rss = -1;
      long peak = -1;
      for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status"))) {
        if (line.startsWith("VmRSS:")) {
          rss = kilobytes(line) * 1024;
        } else if (line.startsWith("VmHWM:")) {
          peak = kilobytes(line) * 1024;
        }
      }
      return rss < 0 ? null : new Resident(rss, peak);
    } catch (IOException e) {
      return null;
    }
  }

  private static long kilobytes(String statusLine) {
    return Long.parseLong(statusLine.replaceAll("[^0-9]", ""));
  }

  /** {@code java -Xmx<heap> -cp <this JVM's class path>}: the services run this build. */
  static List<String> java(String heap) {
    return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx" + heap,
        "-XX:+ExitOnOutOfMemoryError", "-cp", System.getProperty("java.class.path"));
  }

  /** A TCP port free on the loopback interface now. */
  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Whether the service on {@code port} answers its {@code /health/ready} with 200. */
  static boolean healthReady(int port) {
    try {
      HttpRequest request =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
              .timeout(Duration.ofSeconds(2)).build();
      return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Whether the broker answers {@code admin} with its nodes within a few seconds. */
  static boolean brokerAnswers(Admin admin) {
    try {
      return !admin.describeCluster(new DescribeClusterOptions().timeoutMs(2_000)).nodes()
          .get(3, TimeUnit.SECONDS).isEmpty();
    } catch (Exception e) {
      return false;
    }
  }

  @Override
  public String toString() {
    return role + "#" + incarnation;
  }
}
