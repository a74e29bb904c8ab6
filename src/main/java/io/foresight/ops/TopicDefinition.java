package io.foresight.ops;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * One topic as the project's {@code topics/} folder defines it: {@code topics/<name>.properties} with
 * {@code partitions}, {@code replication.factor} and any topic configs ({@code cleanup.policy},
 * {@code retention.ms}, {@code max.message.bytes}, ...). The folder's {@code index} lists the names; the
 * jar carries the folder under {@code topics/}.
 *
 * @param name the topic name, one of {@link io.foresight.wire.Topics#ALL}
 * @param partitions the number of partitions
 * @param replicationFactor the replication factor; {@link TopicAdmin#apply} may override it
 * @param configs topic configs, sorted by key
 */
public record TopicDefinition(
    String name, int partitions, short replicationFactor, Map<String, String> configs) {

  static final String PARTITIONS = "partitions";
  static final String REPLICATION_FACTOR = "replication.factor";
  private static final String INDEX = "index";

  public TopicDefinition {
    if (partitions < 1) {
      throw new IllegalArgumentException(name + ": partitions must be at least 1, not " + partitions);
    }
    if (replicationFactor < 1) {
      throw new IllegalArgumentException(
          name + ": replication.factor must be at least 1, not " + replicationFactor);
    }
    configs = Map.copyOf(configs);
  }

  /** The configs in key order, for printing. */
  public Map<String, String> sortedConfigs() {
    return new TreeMap<>(configs);
  }

  /** The definitions the jar carries (the repository's {@code topics/} folder), in index order. */
  public static List<TopicDefinition> load() {
    ClassLoader loader = TopicDefinition.class.getClassLoader();
    List<TopicDefinition> definitions = new ArrayList<>();
    for (String name : index(read(loader, "topics/" + INDEX))) {
      definitions.add(parse(name, read(loader, "topics/" + name + ".properties")));
    }
    return definitions;
  }

  /**
   * The definitions in a folder: those its {@code index} lists, in that order, or every
   * {@code *.properties} file by name when there is no index.
   */
  public static List<TopicDefinition> loadFrom(Path dir) {
    try {
      List<String> names;
      Path index = dir.resolve(INDEX);
      if (Files.exists(index)) {
        names = index(Files.readString(index, StandardCharsets.UTF_8));
      } else {
        try (Stream<Path> files = Files.list(dir)) {
          names = files.map(file -> file.getFileName().toString())
              .filter(file -> file.endsWith(".properties"))
              .map(file -> file.substring(0, file.length() - ".properties".length()))
              .sorted()
              .toList();
        }
      }
      List<TopicDefinition> definitions = new ArrayList<>();
      for (String name : names) {
        definitions.add(parse(name,
            Files.readString(dir.resolve(name + ".properties"), StandardCharsets.UTF_8)));
      }
      return definitions;
    } catch (IOException e) {
      throw new UncheckedIOException("Could not read topic definitions from " + dir, e);
    }
  }

  /** Parses one definition from the text of its properties file. */
  static TopicDefinition parse(String name, String text) {
    Properties properties = new Properties();
    try (Reader reader = new java.io.StringReader(text)) {
      properties.load(reader);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, String> configs = new TreeMap<>();
    for (String key : properties.stringPropertyNames()) {
      configs.put(key, properties.getProperty(key).trim());
    }
    String partitions = configs.remove(PARTITIONS);
    if (partitions == null) {
      throw new IllegalArgumentException(name + ".properties: missing " + PARTITIONS);
    }
    String replication = configs.remove(REPLICATION_FACTOR);
    try {
      return new TopicDefinition(name, Integer.parseInt(partitions),
          replication == null ? 1 : Short.parseShort(replication), configs);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + ".properties: " + e.getMessage(), e);
    }
  }

  private static List<String> index(String text) {
    return text.lines()
        .map(String::trim)
        .filter(line -> !line.isEmpty() && !line.startsWith("#"))
        .toList();
  }

  private static String read(ClassLoader loader, String resource) {
    try (InputStream in = loader.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("No " + resource + " on the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
