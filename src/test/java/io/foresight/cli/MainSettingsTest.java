package io.foresight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Main installs the settings for every command: {@code --config} anywhere, FORESIGHT_* variables. */
class MainSettingsTest {

  @TempDir Path dir;

  private static String help(Map<String, String> env, String... args) {
    PrintStream old = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      assertThat(Main.run(env, args)).isZero();
    } finally {
      System.setOut(old);
    }
    return out.toString(StandardCharsets.UTF_8).replaceAll("\\s+", " ");
  }

  @Test
  void theConfigFileSetsDefaultsWhereverItIsGiven() throws Exception {
    Path file = dir.resolve("foresight.properties");
    Files.writeString(file, "port=7777\n");

    assertThat(help(Map.of(), "broker", "--config", file.toString(), "--help"))
        .contains("(default: 7777)");
    assertThat(help(Map.of(), "--config=" + file, "broker", "--help")).contains("(default: 7777)");
    assertThat(help(Map.of("FORESIGHT_CONFIG", file.toString()), "broker", "--help"))
        .contains("(default: 7777)");
  }

  @Test
  void theEnvironmentOverridesTheConfigFile() throws Exception {
    Path file = dir.resolve("foresight.properties");
    Files.writeString(file, "port=7777\n");

    assertThat(help(Map.of("FORESIGHT_PORT", "1234"), "broker", "--config", file.toString(), "--help"))
        .contains("(default: 1234)");
  }

  @Test
  void aMissingConfigFileIsAUsageError() {
    assertThat(Main.run(Map.of(), "broker", "--config", dir.resolve("absent").toString())).isEqualTo(2);
  }

  @Test
  void configFileIsFoundBeforeParsing() {
    assertThat(Main.configFile("topics", "--config", "a.properties")).isEqualTo(Path.of("a.properties"));
    assertThat(Main.configFile("--config=b.properties", "topics")).isEqualTo(Path.of("b.properties"));
    assertThat(Main.configFile("topics", "--", "--config", "c")).isNull();
    assertThat(Main.configFile("topics")).isNull();
  }
}
