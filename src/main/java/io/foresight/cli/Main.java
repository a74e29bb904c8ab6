package io.foresight.cli;

import io.foresight.config.Settings;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * Entry point of {@code foresight.jar}. Every command's options take their defaults from
 * {@link Settings}: option default &lt; properties file ({@code --config}, {@code FORESIGHT_CONFIG})
 * &lt; {@code FORESIGHT_*} environment &lt; flags.
 */
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
      TableCommand.class,
      BrokerCommand.class,
      TopicsCommand.class,
      IngestCommand.class,
      TrainerCommand.class,
      ScorerCommand.class,
      ProduceCommand.class,
      PublishModelCommand.class,
      DemoCommand.class
    })
public final class Main implements Runnable {

  private static final String CONFIG = "--config";

  // Read before parsing (see configFile): declared so that every command accepts it and lists it.
  @Option(names = CONFIG, paramLabel = "FILE", scope = ScopeType.INHERIT,
      description = "Settings file (properties; env FORESIGHT_CONFIG): option names without dashes"
          + " as keys, Kafka client properties as kafka.*.")
  Path config;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs a command line and returns its exit code; tests call this instead of {@link #main}. */
  public static int run(String... args) {
    return run(System.getenv(), args);
  }

  /** Runs a command line with the given environment in place of the process's; for tests. */
  static int run(Map<String, String> env, String... args) {
    // DJL must never reach for the network (README: Offline); plots render without a display.
    System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
    System.setProperty("java.awt.headless", "true");
    Settings settings;
    try {
      settings = Settings.load(env, configFile(args));
    } catch (RuntimeException e) {
      System.err.println("foresight: " + e.getMessage());
      return CommandLine.ExitCode.USAGE;
    }
    return new CommandLine(new Main())
        .registerConverter(java.time.Duration.class, new DurationConverter())
        .setDefaultValueProvider(settings)
        .setExecutionExceptionHandler(
            (e, cmd, parsed) -> {
              String message = e.getMessage() != null ? e.getMessage() : e.toString();
              cmd.getErr().println("foresight " + cmd.getCommandName() + ": " + message);
              return 1;
            })
        .execute(args);
  }

  /**
   * The {@code --config} file, found before parsing because the default-value provider must exist
   * before picocli applies defaults; null when absent.
   */
  static Path configFile(String... args) {
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals(CONFIG) && i + 1 < args.length) {
        return Path.of(args[i + 1]);
      }
      if (args[i].startsWith(CONFIG + "=")) {
        return Path.of(args[i].substring(CONFIG.length() + 1));
      }
      if (args[i].equals("--")) {
        break;
      }
    }
    return null;
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }
}
