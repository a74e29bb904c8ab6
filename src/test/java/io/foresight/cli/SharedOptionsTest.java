package io.foresight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.foresight.config.Settings;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The shared option mixins keep each command's own defaults, and flags and settings still win. */
class SharedOptionsTest {

  private static <T> T parse(T command, Map<String, String> env, String... args) {
    new CommandLine(command)
        .registerConverter(java.time.Duration.class, new DurationConverter())
        .setDefaultValueProvider(new Settings(env, new Properties()))
        .parseArgs(args);
    return command;
  }

  @Test
  void eachStreamsServiceHasItsOwnApplicationIdAndStateFolder() {
    IngestCommand ingest = parse(new IngestCommand(), Map.of());
    ScorerCommand scorer = parse(new ScorerCommand(), Map.of());

    assertThat(ingest.streams.applicationId).isEqualTo("foresight-ingest");
    assertThat(scorer.streams.applicationId).isEqualTo("foresight-scorer");
    assertThat(ingest.streams.stateDir("ingest"))
        .isEqualTo(Path.of(System.getProperty("java.io.tmpdir"), "foresight-ingest"));
  }

  @Test
  void flagsAndTheEnvironmentOverrideTheStreamsDefaults() {
    ScorerCommand flags = parse(new ScorerCommand(), Map.of(), "--application-id", "a", "--state-dir", "/s");
    IngestCommand env = parse(new IngestCommand(), Map.of("FORESIGHT_APPLICATION_ID", "b"));

    assertThat(flags.streams.applicationId).isEqualTo("a");
    assertThat(flags.streams.stateDir("scorer")).isEqualTo(Path.of("/s"));
    assertThat(env.streams.applicationId).isEqualTo("b");
  }

  @Test
  void stateMemoryInstanceIdAndStandbysReachTheStreamsAppOnlyWhenGiven() {
    IngestCommand given = parse(new IngestCommand(), Map.of(),
        "--state-memory", "64", "--instance-id", "ingest-0", "--standby-replicas", "1");
    java.util.Properties props = io.foresight.ops.StreamsApps.properties(
        given.streams.apply(Map.of("bootstrap.servers", "b:9092")), "a", Path.of("/s"), 1);
    assertThat(props)
        .containsEntry(io.foresight.ops.StateMemory.BUDGET_CONFIG, 64L << 20)
        .containsEntry("group.instance.id", "ingest-0")
        .containsEntry("num.standby.replicas", 1);

    Map<String, Object> kafka = Map.of("group.instance.id", "from-env");
    assertThat(parse(new ScorerCommand(), Map.of()).streams.apply(kafka)).isEqualTo(kafka);
  }

  @Test
  void servicesKeepPyTorchsThreadsAndTheSharedHostCommandsAskForOne() {
    assertThat(parse(new ScorerCommand(), Map.of()).torch.threads).isZero();
    assertThat(parse(new TrainerCommand(), Map.of()).torch.threads).isZero();
    assertThat(parse(new DemoCommand(), Map.of()).torch.threads).isEqualTo(1);
    assertThat(parse(new BenchScorerCommand(), Map.of()).torch.threads).isEqualTo(1);
    assertThat(parse(new BenchE2eCommand(), Map.of()).torch.threads).isEqualTo(1);
  }

  @Test
  void flagsAndTheEnvironmentOverrideTheThreadDefault() {
    assertThat(parse(new DemoCommand(), Map.of(), "--torch-threads", "2").torch.threads).isEqualTo(2);
    assertThat(parse(new TrainerCommand(), Map.of("FORESIGHT_TORCH_THREADS", "3")).torch.threads).isEqualTo(3);
  }
}
