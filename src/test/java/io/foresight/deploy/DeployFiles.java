package io.foresight.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.foresight.cli.Main;
import io.foresight.config.Settings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * What the deployment checks share: YAML reading (single and multi-document) and the CLI as picocli
 * declares it, so that a manifest can only name commands, flags and {@code FORESIGHT_*} variables that
 * exist.
 */
final class DeployFiles {

  static final YAMLMapper YAML = new YAMLMapper();

  private DeployFiles() {}

  /** The first (only) document of a YAML file. */
  static JsonNode read(Path file) {
    try {
      return YAML.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("Could not parse " + file, e);
    }
  }

  /** A YAML text's single document. */
  static JsonNode parse(String yaml) {
    try {
      return YAML.readTree(yaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every non-empty document of a multi-document YAML file, in order. */
  static List<JsonNode> readAll(Path file) {
    try (MappingIterator<JsonNode> documents = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
      List<JsonNode> all = new ArrayList<>();
      while (documents.hasNext()) {
        JsonNode document = documents.next();
        if (document != null && !document.isNull() && !document.isMissingNode() && !document.isEmpty()) {
          all.add(document);
        }
      }
      return all;
    } catch (IOException e) {
      throw new UncheckedIOException("Could not parse " + file, e);
    }
  }

  /** The text of a node, or null when it is absent. */
  static String text(JsonNode node) {
    return node == null || node.isMissingNode() || node.isNull() ? null : node.asText();
  }

  /** A list of strings from a YAML sequence, or a string split on spaces; empty when absent. */
  static List<String> strings(JsonNode node) {
    List<String> out = new ArrayList<>();
    if (node == null || node.isMissingNode() || node.isNull()) {
      return out;
    }
    if (node.isArray()) {
      node.forEach(element -> out.add(element.asText()));
    } else {
      out.addAll(List.of(node.asText().trim().split("\\s+")));
    }
    return out;
  }

  /** Environment as compose or Kubernetes-free maps write it: a mapping, or a list of KEY=VALUE. */
  static Map<String, String> environment(JsonNode node) {
    Map<String, String> env = new LinkedHashMap<>();
    if (node == null || node.isMissingNode() || node.isNull()) {
      return env;
    }
    if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> entry = it.next();
        env.put(entry.getKey(), entry.getValue().isNull() ? "" : entry.getValue().asText());
      }
    } else {
      node.forEach(entry -> {
        String[] parts = entry.asText().split("=", 2);
        env.put(parts[0], parts.length > 1 ? parts[1] : "");
      });
    }
    return env;
  }

  /** The names of {@code foresight.jar}'s commands. */
  static Set<String> subcommands() {
    return new TreeSet<>(new CommandLine(new Main()).getSubcommands().keySet());
  }

  /**
   * Why picocli refuses this command line ({@code [command, flags...]}: an unknown command, an unknown
   * flag, a missing or badly typed value), or null when it parses.
   */
  static String parseProblem(List<String> args) {
    if (args.isEmpty()) {
      return "no command";
    }
    if (!subcommands().contains(args.get(0))) {
      return "'" + args.get(0) + "' is not a foresight command (commands: " + subcommands() + ")";
    }
    try {
      new CommandLine(new Main()).parseArgs(args.toArray(String[]::new));
      return null;
    } catch (CommandLine.ParameterException e) {
      return e.getMessage();
    }
  }

  /**
   * The {@code FORESIGHT_*} variables a command reads for its options ({@link Settings#envName}), plus
   * {@code FORESIGHT_CONFIG}; {@code FORESIGHT_KAFKA_*} pass-through variables are not listed.
   */
  static Set<String> environmentNames(String command) {
    Set<String> names = new TreeSet<>();
    names.add(Settings.CONFIG_ENV);
    CommandLine sub = new CommandLine(new Main()).getSubcommands().get(command);
    for (OptionSpec option : sub.getCommandSpec().options()) {
      String name = option.longestName();
      if (name.startsWith("--")) {
        names.add(Settings.envName(name.substring(2)));
      }
    }
    return names;
  }

  /** The {@code FORESIGHT_*} names in {@code env} that the command does not read (pass-through excluded). */
  static Set<String> unknownEnvironment(String command, Set<String> env) {
    Set<String> known = environmentNames(command);
    Set<String> unknown = new TreeSet<>();
    for (String name : env) {
      if (name.startsWith(Settings.ENV_PREFIX) && !name.startsWith(Settings.ENV_PREFIX + "KAFKA_")
          && !known.contains(name)) {
        unknown.add(name);
      }
    }
    return unknown;
  }

  /** The value of {@code --name} in args ({@code --name v} or {@code --name=v}), or null. */
  static String flag(List<String> args, String name) {
    for (int i = 0; i < args.size(); i++) {
      if (args.get(i).equals(name) && i + 1 < args.size()) {
        return args.get(i + 1);
      }
      if (args.get(i).startsWith(name + "=")) {
        return args.get(i).substring(name.length() + 1);
      }
    }
    return null;
  }

  /** The GLIBC_TUNABLES value of the {@code ./foresight} launcher, the reference for every other launcher. */
  static String launcherGlibcTunables(Path root) {
    try {
      Matcher m = Pattern.compile("GLIBC_TUNABLES:-([^}]+)}").matcher(Files.readString(root.resolve("foresight")));
      if (!m.find()) {
        throw new IllegalStateException("./foresight sets no GLIBC_TUNABLES");
      }
      return m.group(1);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
