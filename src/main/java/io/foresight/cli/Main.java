package io.foresight.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code foresight.jar}. */
@Command(
    name = "foresight",
    mixinStandardHelpOptions = true,
    version = "foresight 0.1.0",
    description = "Self-supervised representations of sensor streams.",
    subcommands = {
      PretrainCommand.class,
      FinetuneCommand.class,
      EmbedCommand.class,
      EvaluateCommand.class,
      BenchCommand.class,
      TableCommand.class
    })
public final class Main implements Runnable {

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs a command line and returns its exit code; tests call this instead of {@link #main}. */
  public static int run(String... args) {
    // DJL must never reach for the network (README: Offline); plots render without a display.
    System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
    System.setProperty("java.awt.headless", "true");
    return new CommandLine(new Main())
        .setExecutionExceptionHandler(
            (e, cmd, parsed) -> {
              String message = e.getMessage() != null ? e.getMessage() : e.toString();
              cmd.getErr().println("foresight " + cmd.getCommandName() + ": " + message);
              return 1;
            })
        .execute(args);
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }
}
