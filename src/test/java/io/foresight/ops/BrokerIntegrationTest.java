package io.foresight.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.foresight.wire.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Foresight's broker-facing code on the {@link SharedBroker} (an {@code apache/kafka} container where
 * Docker answers, the in-process broker otherwise): transactions, topic definitions applied twice,
 * missing topics named, client metrics. Run alone with
 * {@code mvn -B verify -Dit.test=BrokerIntegrationTest -Dtest=skip -Dsurefire.failIfNoSpecifiedTests=false}
 * (add {@code -Dforesight.test.broker=container} or {@code =embedded} to force a broker).
 */
class BrokerIntegrationTest {

  private static String bootstrap;
  private static Admin admin;

  @BeforeAll
  static void connect() {
    bootstrap = SharedBroker.bootstrapServers();
    admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
  }

  @AfterAll
  static void disconnect() {
    if (admin != null) {
      admin.close();
    }
  }

  @Test
  void readCommittedConsumerSeesExactlyTheCommittedTransactions() throws Exception {
    String topic = "it.transactions";
    create(new NewTopic(topic, 2, (short) 1));
    Map<String, Object> producerConfig = Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.TRANSACTIONAL_ID_CONFIG, "it-transactions",
        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig)) {
      producer.initTransactions();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>(topic, "a", "committed-1"));
      producer.send(new ProducerRecord<>(topic, "b", "committed-2"));
      producer.commitTransaction();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>(topic, "a", "aborted"));
      producer.flush();
      producer.abortTransaction();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>(topic, "c", "committed-3"));
      producer.commitTransaction();
    }

    Map<String, Object> consumerConfig = Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.GROUP_ID_CONFIG, "it-read-committed",
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    List<String> values = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerConfig)) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (values.size() < 3 && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
          values.add(record.value());
        }
      }
      // Nothing else arrives: the aborted record stays invisible.
      for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
        values.add(record.value());
      }
    }
    assertThat(values).containsExactlyInAnyOrder("committed-1", "committed-2", "committed-3");
  }

  @Test
  void foresightTopicsAreAsDefinedAndApplyingThemAgainChangesNothing() throws Exception {
    // SharedBroker applied the definitions once already.
    List<TopicAdmin.Result> again = TopicAdmin.apply(admin, TopicDefinition.load(), null);
    assertThat(again).extracting(TopicAdmin.Result::name).containsExactlyElementsOf(Topics.ALL);
    assertThat(again).extracting(TopicAdmin.Result::action).containsOnly(TopicAdmin.Action.UNCHANGED);
    assertThat(again.get(0).toString()).isEqualTo(Topics.TIMESTEPS + " unchanged");

    Map<String, TopicDescription> described = admin.describeTopics(Topics.ALL).allTopicNames().get();
    Map<String, Integer> partitions = described.values().stream()
        .collect(Collectors.toMap(TopicDescription::name, d -> d.partitions().size()));
    assertThat(partitions).containsExactlyInAnyOrderEntriesOf(Map.of(
        Topics.TIMESTEPS, 4, Topics.LABELS, 4, Topics.WINDOWS, 4, Topics.MODELS, 1,
        Topics.CLASSIFICATIONS, 4, Topics.EMBEDDINGS, 4, Topics.DLQ, 1));
    assertThat(config(Topics.MODELS).get("cleanup.policy").value()).isEqualTo("compact");
    assertThat(config(Topics.MODELS).get("max.message.bytes").value()).isEqualTo("67108864");
    assertThat(config(Topics.LABELS).get("retention.ms").value()).isEqualTo("-1");
    assertThat(config(Topics.WINDOWS).get("max.message.bytes").value()).isEqualTo("4194304");
    assertThat(config(Topics.WINDOWS).get("retention.ms").value()).isEqualTo("86400000");
    assertThat(config(Topics.TIMESTEPS).get("retention.ms").value()).isEqualTo("604800000");
    assertThat(config(Topics.DLQ).get("retention.ms").value()).isEqualTo("2592000000");
  }

  @Test
  void applyCreatesMissingTopicsAsDefinedThenReportsThemUnchanged() throws Exception {
    // Foresight's definitions under names of their own: the shared broker already has the real ones.
    List<TopicDefinition> definitions = TopicDefinition.load().stream()
        .map(d -> new TopicDefinition("it.apply." + d.name(), d.partitions(), d.replicationFactor(),
            d.configs()))
        .toList();
    List<String> names = definitions.stream().map(TopicDefinition::name).toList();

    List<TopicAdmin.Result> first = TopicAdmin.apply(admin, definitions, null);
    assertThat(first).extracting(TopicAdmin.Result::name).containsExactlyElementsOf(names);
    assertThat(first).extracting(TopicAdmin.Result::action).containsOnly(TopicAdmin.Action.CREATED);
    assertThat(admin.describeTopics(names).allTopicNames().get().get("it.apply." + Topics.MODELS)
        .partitions()).hasSize(1);
    assertThat(config("it.apply." + Topics.MODELS).get("cleanup.policy").value()).isEqualTo("compact");

    List<TopicAdmin.Result> second = TopicAdmin.apply(admin, definitions, null);
    assertThat(second).extracting(TopicAdmin.Result::action).containsOnly(TopicAdmin.Action.UNCHANGED);
  }

  @Test
  void applyReturnsOnlyOnceEveryNewPartitionTakesWritesAtTheFirstAttempt() throws Exception {
    // A producer that met a partition whose leader was not ready yet (NOT_LEADER_OR_FOLLOWER) once
    // retried OUT_OF_ORDER_SEQUENCE_NUMBER for minutes; apply must not return before that moment passed.
    List<TopicDefinition> definitions = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      definitions.add(new TopicDefinition("it.ready." + i, 4, (short) 1, Map.of()));
    }
    TopicAdmin.apply(admin, definitions, null);

    Map<String, Object> producerConfig = Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig)) {
      for (TopicDefinition definition : definitions) {
        for (int partition = 0; partition < definition.partitions(); partition++) {
          producer.send(new ProducerRecord<>(definition.name(), partition, "k", "v"));
        }
      }
      producer.flush();
      assertThat(producerMetric(producer, "record-error-total")).isZero();
      assertThat(producerMetric(producer, "record-retry-total")).isZero();
    }
  }

  @Test
  void applyRaisesPartitionsAndSetsConfigsThatDiffer() throws Exception {
    String topic = "it.drifted";
    create(new NewTopic(topic, 1, (short) 1).configs(Map.of("retention.ms", "1000")));
    TopicDefinition definition =
        new TopicDefinition(topic, 3, (short) 1, Map.of("retention.ms", "86400000"));

    List<TopicAdmin.Result> results = TopicAdmin.apply(admin, List.of(definition), null);

    assertThat(results).singleElement().satisfies(result -> {
      assertThat(result.action()).isEqualTo(TopicAdmin.Action.UPDATED);
      assertThat(result.changes()).containsExactly("retention.ms=86400000", "partitions 1 -> 3");
    });
    assertThat(admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions())
        .hasSize(3);
    assertThat(config(topic).get("retention.ms").value()).isEqualTo("86400000");
  }

  @Test
  void requireTopicsNamesTheMissingOnesAndHowToCreateThem() throws Exception {
    create(new NewTopic("it.present", 1, (short) 1));

    TopicAdmin.requireTopics(admin, List.of("it.present"));
    assertThatThrownBy(() -> TopicAdmin.requireTopics(admin, List.of("it.present", "it.absent")))
        .isInstanceOf(TopicAdmin.MissingTopicsException.class)
        .hasMessageContaining("it.absent")
        .hasMessageNotContaining("it.present")
        .hasMessageContaining("foresight topics --bootstrap-servers")
        .satisfies(e -> assertThat(((TopicAdmin.MissingTopicsException) e).missing())
            .isEqualTo(Set.of("it.absent")));
  }

  @Test
  void metricsServerExportsTheMetricsOfBoundKafkaClients() throws Exception {
    Map<String, Object> producerConfig = Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.CLIENT_ID_CONFIG, "it-metrics",
        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    try (MetricsServer metrics = MetricsServer.start(0);
        KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig)) {
      metrics.bind(producer);
      create(new NewTopic("it.metrics", 1, (short) 1));
      producer.send(new ProducerRecord<>("it.metrics", "k", "v")).get();

      assertThat(metrics.registry().scrape())
          .contains("kafka_producer_record_send_total{client_id=\"it-metrics\"");
    }
  }

  /**
   * Creates a topic and waits until the broker lists it: creation returns once the controller has the
   * topic, which the broker's metadata (what listTopics and TopicAdmin read) can show a moment later.
   */
  private static void create(NewTopic topic) throws Exception {
    admin.createTopics(List.of(topic)).all().get();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!admin.listTopics().names().get().contains(topic.name())) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(topic.name() + " not listed 30 s after it was created");
      }
      Thread.sleep(50);
    }
  }

  private static double producerMetric(KafkaProducer<?, ?> producer, String name) {
    return producer.metrics().entrySet().stream()
        .filter(e -> e.getKey().group().equals("producer-metrics") && e.getKey().name().equals(name))
        .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue())
        .findFirst().orElseThrow();
  }

  private static Config config(String topic) throws Exception {
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    return admin.describeConfigs(List.of(resource)).all().get().get(resource);
  }
}
