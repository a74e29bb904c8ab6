package io.foresight.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.foresight.wire.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * The producer loop against Kafka's {@link MockProducer}: record layout, chunking, labels and pacing.
 * Sending to a real broker is the integration tests' business.
 */
class StreamProducerTest {

  @Test
  void singleStepsGoRoundRobinKeyedByDeviceAfterTheLabels() {
    SimulatedFleet fleet = new SimulatedFleet(10, 3, 1);
    MockProducer<String, byte[]> mock = Produced.mockProducer();
    StreamProducer producer = new StreamProducer(mock, fleet.asSource(0.3),
        StreamProducer.Options.defaults().withMaxSteps(100));
    producer.run();

    List<ProducerRecord<String, byte[]>> history = mock.history();
    assertThat(history).hasSize(3 + 100);
    assertThat(history.subList(0, 3)).allSatisfy(r -> assertThat(r.topic()).isEqualTo(Topics.LABELS));
    assertThat(Produced.of(mock).labels()).hasSize(3)
        .allSatisfy((device, label) -> assertThat(label).isEqualTo(fleet.classOf(device)));
    List<ProducerRecord<String, byte[]>> steps = history.subList(3, history.size());
    for (int i = 0; i < steps.size(); i++) {
      ProducerRecord<String, byte[]> r = steps.get(i);
      assertThat(r.topic()).isEqualTo(Topics.TIMESTEPS);
      assertThat(r.key()).isEqualTo(SimulatedFleet.deviceId(i % 10));
      // CreateTime is left to the producer: the wall clock at send, from which latency is measured.
      assertThat(r.timestamp()).isNull();
      JsonNode json = Produced.json(r);
      assertThat(json.fieldNames()).toIterable().containsExactly("ts", "value");
      assertThat(json.get("value").isIntegralNumber()).isTrue();
    }
    assertThat(producer.timesteps()).isEqualTo(100);
    assertThat(producer.records()).isEqualTo(100);
    assertThat(producer.labels()).isEqualTo(3);
    assertThat(producer.endMarkers()).isZero();
    assertThat(mock.flushed()).isTrue();
  }

  @Test
  void chunksCarryEveryStepOnceWithEventTimeAdvancingPerStep() {
    MockProducer<String, byte[]> mock = Produced.mockProducer();
    StreamProducer producer = new StreamProducer(mock, new SimulatedFleet(7, 3, 2).asSource(0),
        StreamProducer.Options.defaults().withChunkSize(16).withIntervalMs(25).withMaxSteps(1000));
    long before = System.currentTimeMillis();
    producer.run();
    long after = System.currentTimeMillis();

    Produced produced = Produced.of(mock);
    assertThat(produced.on(Topics.LABELS)).isEmpty();
    Map<String, List<Double>> steps = produced.steps();
    assertThat(steps.values().stream().mapToInt(List::size).sum()).isEqualTo(1000);
    SimulatedFleet replica = new SimulatedFleet(7, 3, 2);
    steps.forEach((device, values) -> assertThat(values).as(device).containsExactly(
        Arrays.stream(replica.next(device, values.size())).asDoubleStream().boxed().toArray(Double[]::new)));
    // Devices advance at the same pace: 1000 steps over 7 devices in chunks of 16.
    assertThat(steps.values()).allSatisfy(v -> assertThat(v.size()).isBetween(1000 / 7 - 16, 1000 / 7 + 16));

    Map<String, List<JsonNode>> byDevice = new HashMap<>();
    produced.on(Topics.TIMESTEPS).forEach(r -> byDevice.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(Produced.json(r)));
    byDevice.forEach((device, records) -> {
      long first = records.get(0).get("ts").asLong();
      assertThat(first).isBetween(before, after);
      long expected = first;
      for (JsonNode r : records) {
        assertThat(r.get("ts").asLong()).isEqualTo(expected);
        assertThat(r.get("intervalMs").asLong()).isEqualTo(25);
        expected += 25L * r.get("values").size();
      }
    });
    assertThat(producer.timesteps()).isEqualTo(1000);
    assertThat(producer.records()).isEqualTo(1000 / 16 + 1);
  }

  @Test
  void pacingHoldsTheRateDown() {
    MockProducer<String, byte[]> mock = Produced.mockProducer();
    StreamProducer producer = new StreamProducer(mock, new SimulatedFleet(20, 3, 3).asSource(0),
        StreamProducer.Options.defaults().withRate(10_000).withChunkSize(10).withMaxSteps(2000));
    long start = System.nanoTime();
    producer.run();
    long elapsedMs = (System.nanoTime() - start) / 1_000_000;
    // 2000 steps at 10 000/s take 200 ms with an empty bucket at the start; only the lower bound is
    // asserted, a loaded machine may take longer.
    assertThat(elapsedMs).isGreaterThanOrEqualTo(150);
    assertThat(producer.timesteps()).isEqualTo(2000);
  }

  @Test
  void stopAndDurationEndAnEndlessSource() throws InterruptedException {
    MockProducer<String, byte[]> mock = Produced.mockProducer();
    StreamProducer producer = new StreamProducer(mock, new SimulatedFleet(5, 3, 4).asSource(0),
        StreamProducer.Options.defaults().withRate(1000));
    Thread thread = new Thread(producer);
    thread.start();
    long giveUp = System.nanoTime() + 5_000_000_000L;
    while (producer.timesteps() == 0 && System.nanoTime() < giveUp) {
      Thread.sleep(5);
    }
    producer.stop();
    thread.join(5000);
    assertThat(thread.isAlive()).isFalse();
    assertThat(producer.timesteps()).isPositive();

    StreamProducer timed = new StreamProducer(Produced.mockProducer(), new SimulatedFleet(5, 3, 4).asSource(0),
        StreamProducer.Options.defaults().withRate(1000).withMaxDuration(Duration.ofMillis(100)));
    timed.run();
    // About 100 steps; far fewer than an unpaced run would send.
    assertThat(timed.timesteps()).isPositive().isLessThan(1000);
  }

  @Test
  void optionsAreChecked() {
    StreamProducer.Options d = StreamProducer.Options.defaults();
    assertThatThrownBy(() -> d.withRate(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> d.withChunkSize(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> d.withIntervalMs(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> d.withMaxSteps(-1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aFailedSendStopsProducingAndIsReported() {
    // The fifth send fails as a producer does once delivery.timeout.ms has run out.
    MockProducer<String, byte[]> mock = new MockProducer<>(true, null,
        new org.apache.kafka.common.serialization.StringSerializer(),
        new org.apache.kafka.common.serialization.ByteArraySerializer()) {
      private int sends;

      @Override
      public synchronized java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata> send(
          ProducerRecord<String, byte[]> record, org.apache.kafka.clients.producer.Callback callback) {
        if (++sends == 5) {
          callback.onCompletion(null, new org.apache.kafka.common.errors.TimeoutException("expired"));
          return java.util.concurrent.CompletableFuture.failedFuture(new IllegalStateException());
        }
        return super.send(record, callback);
      }
    };
    StreamProducer producer = new StreamProducer(mock, new SimulatedFleet(5, 3, 4).asSource(0),
        StreamProducer.Options.defaults());

    producer.run(); // an endless source: only the failure ends it

    assertThat(producer.sendErrors()).isEqualTo(1);
    assertThat(producer.firstError()).hasMessage("expired");
    assertThat(mock.history()).hasSize(4);
  }
}
