package io.foresight.data;

import com.fasterxml.jackson.databind.JsonNode;
import io.foresight.wire.Json;
import io.foresight.wire.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** What a {@link StreamProducer} sent to a {@link MockProducer}, parsed back for assertions. */
final class Produced {

  final List<ProducerRecord<String, byte[]>> history;

  private Produced(List<ProducerRecord<String, byte[]>> history) {
    this.history = history;
  }

  static MockProducer<String, byte[]> mockProducer() {
    return new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
  }

  static Produced of(MockProducer<String, byte[]> producer) {
    return new Produced(producer.history());
  }

  static JsonNode json(ProducerRecord<String, byte[]> record) {
    try {
      return Json.MAPPER.readTree(record.value());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  List<ProducerRecord<String, byte[]>> on(String topic) {
    return history.stream().filter(r -> r.topic().equals(topic)).toList();
  }

  /** Every device's steps in the order sent, single steps and chunks alike. */
  Map<String, List<Double>> steps() {
    Map<String, List<Double>> steps = new LinkedHashMap<>();
    for (ProducerRecord<String, byte[]> r : on(Topics.TIMESTEPS)) {
      JsonNode node = json(r);
      List<Double> device = steps.computeIfAbsent(r.key(), k -> new ArrayList<>());
      if (node.has("value")) {
        device.add(node.get("value").doubleValue());
      } else if (node.has("values")) {
        node.get("values").forEach(v -> device.add(v.doubleValue()));
      }
    }
    return steps;
  }

  /** Labels sent, by device. */
  Map<String, String> labels() {
    Map<String, String> labels = new LinkedHashMap<>();
    on(Topics.LABELS).forEach(r -> labels.put(r.key(), json(r).get("label").asText()));
    return labels;
  }
}
