package io.foresight.cli;

import picocli.CommandLine.Command;

/** {@code bench}: placeholder until the benchmarks land. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks.")
final class BenchCommand implements Runnable {
  @Override
  public void run() {}
}
