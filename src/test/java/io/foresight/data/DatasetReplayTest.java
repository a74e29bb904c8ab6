package io.foresight.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.foresight.wire.Topics;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DatasetReplayTest {

  private static final Path DATA = Path.of("src/test/resources/datasets/GunPoint");
  private static Dataset train;
  private static Dataset test;

  @BeforeAll
  static void read() throws IOException {
    train = DatasetReaders.read(DATA.resolve("GunPoint_TRAIN.tsv"));
    test = DatasetReaders.read(DATA.resolve("GunPoint_TEST.tsv"));
  }

  @Test
  void everySeriesIsADeviceAndOnlyTrainLabelsAreRevealed() throws IOException {
    DatasetReplay replay = DatasetReplay.read(DATA.resolve("GunPoint_TRAIN.tsv"), DATA.resolve("GunPoint_TEST.tsv"), 1);
    assertThat(replay.devices()).hasSize(200).startsWith("train-0001").contains("train-0050", "test-0042")
        .endsWith("test-0150").doesNotHaveDuplicates();
    Map<String, String> expectedTrain = new LinkedHashMap<>();
    for (int i = 0; i < 50; i++) {
      expectedTrain.put(String.format("train-%04d", i + 1), train.series().get(i).label());
    }
    Map<String, String> expectedTest = new LinkedHashMap<>();
    for (int i = 0; i < 150; i++) {
      expectedTest.put(String.format("test-%04d", i + 1), test.series().get(i).label());
    }
    assertThat(replay.trainLabels()).containsExactlyEntriesOf(expectedTrain);
    assertThat(replay.heldOutLabels()).containsExactlyEntriesOf(expectedTest);
    assertThat(replay.valuesOf("test-0042")).containsExactly(test.series().get(41).values());
    assertThat(replay.totalSteps()).isEqualTo(200L * 150);
  }

  @Test
  void theSourceYieldsEachSeriesInOrderThenEnds() {
    DatasetReplay replay = new DatasetReplay(train, test, 1);
    List<String> first = replay.activeDevices();
    assertThat(first).hasSize(200);
    assertThat(replay.takeLabels()).hasSize(50)
        .allSatisfy(l -> assertThat(l.device()).startsWith("train-"))
        .allSatisfy(l -> assertThat(l.label()).isEqualTo(replay.trainLabels().get(l.device())));
    assertThat(replay.takeLabels()).isEmpty();
    Map<String, double[]> read = new HashMap<>();
    double[] buffer = new double[7];
    for (List<String> round = first; !round.isEmpty(); round = replay.activeDevices()) {
      for (String d : round) {
        assertThat(replay.ended(d)).isFalse();
        int n = replay.read(d, buffer, 7);
        double[] so = read.getOrDefault(d, new double[0]);
        double[] more = Arrays.copyOf(so, so.length + n);
        System.arraycopy(buffer, 0, more, so.length, n);
        read.put(d, more);
      }
    }
    assertThat(read).hasSize(200);
    read.forEach((d, values) -> {
      assertThat(values).as(d).containsExactly(replay.valuesOf(d));
      assertThat(replay.ended(d)).isTrue();
    });
    assertThat(replay.takeLabels()).isEmpty();
  }

  @Test
  void producedStepsEqualTheFileValuesAndEndWithTheMarker() {
    DatasetReplay replay = new DatasetReplay(train, test, 1);
    MockProducer<String, byte[]> mock = Produced.mockProducer();
    StreamProducer producer = new StreamProducer(mock, replay, StreamProducer.Options.defaults().withChunkSize(32));
    producer.run();
    Produced produced = Produced.of(mock);

    assertThat(produced.labels()).containsExactlyInAnyOrderEntriesOf(replay.trainLabels());
    Map<String, List<Double>> steps = produced.steps();
    assertThat(steps).hasSize(200);
    steps.forEach((d, values) -> assertThat(values).as(d)
        .containsExactly(Arrays.stream(replay.valuesOf(d)).boxed().toArray(Double[]::new)));
    Map<String, List<ProducerRecord<String, byte[]>>> byDevice = new HashMap<>();
    produced.on(Topics.TIMESTEPS).forEach(r -> byDevice.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r));
    byDevice.forEach((d, records) -> {
      assertThat(records).as(d).hasSize(150 / 32 + 2); // 5 chunks and the end marker
      assertThat(Produced.json(records.get(records.size() - 1)).get("end").asBoolean()).isTrue();
      assertThat(records.subList(0, records.size() - 1)).allSatisfy(r -> assertThat(Produced.json(r).has("end")).isFalse());
      long lastChunkTs = Produced.json(records.get(records.size() - 2)).get("ts").asLong();
      long endTs = Produced.json(records.get(records.size() - 1)).get("ts").asLong();
      assertThat(endTs).isEqualTo(lastChunkTs + (150 - 4 * 32) * 10L);
    });
    assertThat(producer.timesteps()).isEqualTo(200L * 150);
    assertThat(producer.endMarkers()).isEqualTo(200);
    assertThat(producer.labels()).isEqualTo(50);
  }

  @Test
  void repeatedPassesUseFreshIdsOneAfterTheOther() {
    DatasetReplay replay = new DatasetReplay(train, test, 2);
    assertThat(replay.devices()).hasSize(400).contains("train-0001-r2", "test-0150-r2").doesNotHaveDuplicates();
    assertThat(replay.heldOutLabels()).hasSize(300).containsEntry("test-0042-r2", test.series().get(41).label());
    MockProducer<String, byte[]> mock = Produced.mockProducer();
    new StreamProducer(mock, replay, StreamProducer.Options.defaults().withChunkSize(50)).run();
    List<ProducerRecord<String, byte[]>> history = mock.history();
    int lastOfFirstPass = -1;
    int firstOfSecondPass = Integer.MAX_VALUE;
    for (int i = 0; i < history.size(); i++) {
      if (history.get(i).key().endsWith("-r2")) {
        firstOfSecondPass = Math.min(firstOfSecondPass, i);
      } else {
        lastOfFirstPass = i;
      }
    }
    assertThat(lastOfFirstPass).isLessThan(firstOfSecondPass);
    assertThat(history.get(firstOfSecondPass).topic()).isEqualTo(Topics.LABELS);
    assertThat(Produced.of(mock).steps()).hasSize(400);
    assertThatThrownBy(() -> new DatasetReplay(train, test, 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
