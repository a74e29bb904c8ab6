package io.foresight.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

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

  @Override
  public String toString() {
    return role + "#" + incarnation;
  }
}
