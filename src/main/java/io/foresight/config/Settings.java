package io.foresight.config;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Where option values come from when the command line does not give them. The precedence, lowest
 * first: the option's own default &lt; the properties file &lt; {@code FORESIGHT_*} environment variables
 * &lt; command-line flags. For an option {@code --metrics-port} this provider answers environment
 * variable {@code FORESIGHT_METRICS_PORT}, else key {@code metrics-port} of the properties file, else
 * nothing (picocli then uses the annotation's default); flags override whatever it answers.
 *
 * <p>The properties file is named by {@code --config} (any command) or {@code FORESIGHT_CONFIG}. It may
 * also hold Kafka client properties under {@code kafka.}, which {@link #kafkaProperties()} merges with
 * {@code FORESIGHT_KAFKA_*} variables, so TLS and SASL need no code:
 *
 * <pre>
 * # foresight.properties
 * bootstrap-servers=broker-1:9093
 * metrics-port=9464
 * kafka.security.protocol=SASL_SSL
 * kafka.sasl.mechanism=SCRAM-SHA-512
 * </pre>
 *
 * <p>The environment and the file are passed in, so tests need neither.
 */
public final class Settings implements IDefaultValueProvider {

  /** Prefix of every environment variable Foresight reads. */
  public static final String ENV_PREFIX = "FORESIGHT_";
  /** Environment variable naming the properties file; the same as option {@code --config}. */
  public static final String CONFIG_ENV = "FORESIGHT_CONFIG";
  /** Prefix of Kafka client properties: in the file as is, in the environment as FORESIGHT_KAFKA_. */
  public static final String KAFKA_PREFIX = "kafka.";

  private static final String KAFKA_ENV_PREFIX = ENV_PREFIX + "KAFKA_";

  private final Map<String, String> env;
  private final Properties file;

  /**
   * @param env the environment, usually {@link System#getenv()}
   * @param file the properties file's content; empty when there is none
   */
  public Settings(Map<String, String> env, Properties file) {
    this.env = Map.copyOf(env);
    this.file = new Properties();
    this.file.putAll(file);
  }

  /** Settings with no file and no environment: every option keeps its own default. */
  public static Settings none() {
    return new Settings(Map.of(), new Properties());
  }

  /**
   * Settings from this process's environment and the properties file named by {@code configFile}, or
   * when that is null by {@code FORESIGHT_CONFIG}, or none.
   */
  public static Settings load(Map<String, String> env, Path configFile) {
    Path path = configFile;
    if (path == null && env.get(CONFIG_ENV) != null && !env.get(CONFIG_ENV).isBlank()) {
      path = Path.of(env.get(CONFIG_ENV));
    }
    Properties properties = new Properties();
    if (path != null) {
      try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
        properties.load(reader);
      } catch (IOException e) {
        throw new UncheckedIOException("Could not read settings file " + path, e);
      }
    }
    return new Settings(env, properties);
  }

  /**
   * The value for a setting named like a long option without its dashes ({@code metrics-port}): the
   * environment variable ({@code FORESIGHT_METRICS_PORT}), else the file's key, else null.
   */
  public String get(String key) {
    String fromEnv = env.get(envName(key));
    if (fromEnv != null) {
      return fromEnv;
    }
    return file.getProperty(key);
  }

  /** {@code metrics-port} -> {@code FORESIGHT_METRICS_PORT}. */
  public static String envName(String key) {
    return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('-', '_').replace('.', '_');
  }

  /**
   * Kafka client properties from the file's {@code kafka.*} keys, overridden by {@code FORESIGHT_KAFKA_*}
   * variables ({@code FORESIGHT_KAFKA_SASL_MECHANISM} -> {@code sasl.mechanism}: lower case, {@code _}
   * to {@code .}).
   */
  public Map<String, String> kafkaProperties() {
    Map<String, String> properties = new TreeMap<>();
    for (String key : file.stringPropertyNames()) {
      if (key.startsWith(KAFKA_PREFIX) && key.length() > KAFKA_PREFIX.length()) {
        properties.put(key.substring(KAFKA_PREFIX.length()), file.getProperty(key).trim());
      }
    }
    env.forEach((name, value) -> {
      if (name.startsWith(KAFKA_ENV_PREFIX) && name.length() > KAFKA_ENV_PREFIX.length()) {
        String key = name.substring(KAFKA_ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.');
        properties.put(key, value);
      }
    });
    return properties;
  }

  /**
   * picocli's hook: for a long option, {@link #get} of its name without the dashes; null otherwise, so
   * that picocli falls back to the annotation's default.
   */
  @Override
  public String defaultValue(ArgSpec argSpec) {
    if (!(argSpec instanceof OptionSpec option)) {
      return null;
    }
    String name = option.longestName();
    if (!name.startsWith("--") || option.usageHelp() || option.versionHelp()) {
      return null;
    }
    return get(name.substring(2));
  }
}
