package io.foresight.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.foresight.config.KafkaSettings;
import io.foresight.config.Settings;
import io.foresight.data.SimulatedFleet;
import io.foresight.data.TimestepRecords;
import io.foresight.ingest.WindowSpec;
import io.foresight.ingest.IngestService;
import io.foresight.learn.ContinuousTrainer;
import io.foresight.learn.Objective;
import io.foresight.learn.TrainingOptions;
import io.foresight.model.Encoder;
import io.foresight.model.ModelConfig;
import io.foresight.model.SingleCpuThread;
import io.foresight.model.Tokenizer;
import io.foresight.score.ScorerService;
import io.foresight.score.ScoringTopology;
import io.foresight.train.TrainerService;
import io.foresight.wire.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Foresight against a secured cluster: a broker of its own ({@link EmbeddedKafka#startSaslSsl}, not
 * the shared plaintext one) whose clients must come over SASL_SSL as a SCRAM-SHA-512 user. Ingest,
 * trainer, scorer and a read_committed consumer are configured from nothing but {@code FORESIGHT_*}
 * environment variables, as the commands are, and find every window once on {@code foresight.windows}
 * and embedded once, as on a plaintext broker; a client without the credentials is turned away. Run
 * alone with {@code mvn -B verify -Dit.test=SaslSslIntegrationTest -Dtest=skip
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@ExtendWith(SingleCpuThread.class)
class SaslSslIntegrationTest {

  private static final String USER = "foresight-it";
  private static final int DEVICES = 4;
  private static final int LENGTH = 64;
  private static final int HOP = 32;
  private static final int WINDOWS_PER_DEVICE = 4;

  @TempDir Path state;

  @Test
  void servicesConfiguredOnlyFromTheEnvironmentScoreEveryWindowOnceOverSaslSsl() throws Exception {
    String password = EmbeddedKafka.randomSecret();
    try (EmbeddedKafka broker = EmbeddedKafka.startSaslSsl(state.resolve("kafka"), 0, USER, password)) {
      EmbeddedKafka.SaslSsl sasl = broker.saslSsl();
      Map<String, String> env = Map.of(
          "FORESIGHT_BOOTSTRAP_SERVERS", sasl.bootstrapServers(),
          "FORESIGHT_KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
          "FORESIGHT_KAFKA_SASL_MECHANISM", "SCRAM-SHA-512",
          "FORESIGHT_KAFKA_SASL_JAAS_CONFIG",
          "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + USER
              + "\" password=\"" + password + "\";",
          "FORESIGHT_KAFKA_SSL_TRUSTSTORE_LOCATION", sasl.truststore().toAbsolutePath().toString(),
          "FORESIGHT_KAFKA_SSL_TRUSTSTORE_TYPE", "PKCS12",
          "FORESIGHT_KAFKA_SSL_TRUSTSTORE_PASSWORD", sasl.truststorePassword());
      // What `foresight broker --sasl-ssl` prints is this environment.
      assertThat(sasl.environment()).isEqualTo(env);
      Map<String, Object> kafka = clientProperties(env);

      assertRefused(env);
      try (Admin admin = Admin.create(kafka)) {
        TopicAdmin.apply(admin, TopicDefinition.load(), null);
      }
      runServices(kafka);
    }
  }

  /** The client properties a command gets from this environment alone, as {@code KafkaOptions} builds them. */
  private static Map<String, Object> clientProperties(Map<String, String> env) {
    Settings settings = new Settings(env, new Properties());
    return new HashMap<>(KafkaSettings.of(settings.get("bootstrap-servers"), settings, Map.of()).clientProperties());
  }

  /**
   * With a wrong password logging in fails; a PLAINTEXT client gets no answer at all (the listener
   * drops a connection that does not start with a TLS handshake, and the client retries until its
   * deadline).
   */
  private static void assertRefused(Map<String, String> env) {
    Map<String, String> wrongPassword = new HashMap<>(env);
    wrongPassword.put("FORESIGHT_KAFKA_SASL_JAAS_CONFIG",
        EmbeddedKafka.SaslSsl.jaasConfig(USER, "not-" + EmbeddedKafka.randomSecret()));
    assertThatThrownBy(() -> describeCluster(clientProperties(wrongPassword)))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(SaslAuthenticationException.class);
    assertThatThrownBy(() -> describeCluster(Map.of("bootstrap.servers", env.get("FORESIGHT_BOOTSTRAP_SERVERS"))))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(TimeoutException.class);
  }

  private static void describeCluster(Map<String, Object> client) throws Exception {
    Map<String, Object> config = new HashMap<>(client);
    config.put("default.api.timeout.ms", 3_000);
    config.put("request.timeout.ms", 3_000);
    try (Admin admin = Admin.create(config)) {
      admin.describeCluster().nodes().get();
    }
  }

  private void runServices(Map<String, Object> kafka) throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    SimulatedFleet fleet = new SimulatedFleet(DEVICES, 2, 7);
    Tokenizer tokenizer = Tokenizer.integer(41);
    TrainerService trainer = new TrainerService(
        kafka,
        new TrainerService.Options(
            "sasl-model",
            new ModelConfig(Encoder.CAUSAL_CNN, 8, 2, 3, 16, 0),
            tokenizer,
            new ContinuousTrainer.Settings(Objective.NEXT_STEP, TrainingOptions.defaults().withBatch(8, 64), 100_000),
            TrainerService.ClassifierSettings.defaults(),
            20,
            Duration.ofSeconds(2),
            Duration.ofMinutes(10)),
        registry);
    Map<String, Object> producerConfig = new HashMap<>(kafka);
    producerConfig.putAll(EmbeddedKafka.producerTimeouts());
    try (IngestService ingest = new IngestService(
            kafka, "sasl-ingest", state.resolve("ingest"), 1, WindowSpec.sliding(LENGTH, HOP), tokenizer, registry);
        ScorerService scorer = new ScorerService(
            kafka, "sasl-scorer", state.resolve("scorer"), 1, "sasl-model", new ScoringTopology.Options(16, 10), registry);
        OutputMonitor monitor = new OutputMonitor(kafka, Map.of(), Function.identity());
        KafkaProducer<String, byte[]> producer =
            new KafkaProducer<>(producerConfig, new StringSerializer(), new ByteArraySerializer())) {
      ingest.start();
      trainer.start();
      scorer.start();
      Thread monitorThread = new Thread(monitor, "sasl-monitor");
      monitorThread.start();

      int steps = LENGTH + (WINDOWS_PER_DEVICE - 1) * HOP;
      long t0 = 1_700_000_000_000L;
      for (String device : fleet.devices()) {
        for (int done = 0; done < steps; done += 16) {
          double[] chunk = new double[16];
          fleet.fill(device, chunk, 0, chunk.length);
          producer.send(new ProducerRecord<>(
              Topics.TIMESTEPS, device, TimestepRecords.chunk(t0 + 10L * done, 10, chunk)));
        }
      }
      producer.flush();

      long expected = (long) DEVICES * WINDOWS_PER_DEVICE;
      Await.until("every window embedded", Duration.ofSeconds(120), () -> {
        OutputMonitor.Snapshot s = monitor.snapshot();
        return s.windows() >= expected && s.embeddings() >= expected;
      });
      Thread.sleep(1000); // anything emitted twice would show up by now
      OutputMonitor.Snapshot s = monitor.snapshot();
      assertThat(s.windows()).isEqualTo(expected);
      assertThat(s.embeddings()).isEqualTo(expected);
      assertThat(s.duplicateOutputs()).isZero();
      assertThat(s.dlq()).isZero();
    } finally {
      trainer.close();
    }
  }

}
