package io.foresight.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code bench}: the one-command benchmarks whose figures README reports. */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Benchmarks; each reports ratios measured in one run.",
    subcommands = {
      BenchTrainCommand.class,
      BenchMemoryCommand.class,
      BenchMemoryCaseCommand.class,
      BenchTokenizerCommand.class,
      BenchMiniRocketCommand.class,
      BenchIngestCommand.class,
      BenchScorerCommand.class,
      BenchE2eCommand.class,
      BenchFaultsCommand.class,
      BenchScaleCommand.class
    })
final class BenchCommand implements Runnable {
  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  /**
   * Client warnings about settings (state directory under /tmp, exception handlers) and shutdown
   * chatter say nothing about the figures: keep Kafka and the broker's start line at error/warn.
   * Loggers read these properties when created, so call this before any Kafka client is built. A level
   * given with {@code -D} on the command line wins.
   */
  static void muteClientLogs() {
    mute("org.slf4j.simpleLogger.log.org.apache.kafka", "error");
    mute("org.slf4j.simpleLogger.log.io.foresight.ops.EmbeddedKafka", "warn");
  }

  /** Sets a logger's level unless the command line (-D) already chose one. */
  private static void mute(String property, String level) {
    if (System.getProperty(property) == null) {
      System.setProperty(property, level);
    }
  }
}
