package io.foresight.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.foresight.wire.Json;
import io.foresight.wire.Label;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class TimestepRecordsTest {

  private static String text(byte[] json) {
    return new String(json, StandardCharsets.UTF_8);
  }

  @Test
  void wholeNumbersAreWrittenAsIntegers() {
    assertThat(text(TimestepRecords.single(1700000000000L, 3))).isEqualTo("{\"ts\":1700000000000,\"value\":3}");
    assertThat(text(TimestepRecords.chunk(5, 10, 3, 4, 0, 40)))
        .isEqualTo("{\"ts\":5,\"intervalMs\":10,\"values\":[3,4,0,40]}");
    assertThat(text(TimestepRecords.single(0, -2))).isEqualTo("{\"ts\":0,\"value\":-2}");
  }

  @Test
  void realNumbersAreWrittenShortest() {
    assertThat(text(TimestepRecords.single(1, -0.6478854))).isEqualTo("{\"ts\":1,\"value\":-0.6478854}");
    assertThat(text(TimestepRecords.chunk(1, 10, 0.1, 1e23, 2.5)))
        .isEqualTo("{\"ts\":1,\"intervalMs\":10,\"values\":[0.1,1.0E23,2.5]}");
  }

  @Test
  void chunkWritesOnlyTheGivenCount() throws IOException {
    JsonNode node = Json.MAPPER.readTree(TimestepRecords.chunk(7, 20, new double[] {1, 2, 3, 4}, 2));
    assertThat(node.get("ts").asLong()).isEqualTo(7);
    assertThat(node.get("intervalMs").asLong()).isEqualTo(20);
    assertThat(node.get("values")).hasSize(2);
    assertThatThrownBy(() -> TimestepRecords.chunk(7, 20, new double[] {1}, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void endMarkerAndLabelsMatchTheDesign() throws IOException {
    assertThat(text(TimestepRecords.end(42))).isEqualTo("{\"ts\":42,\"end\":true}");
    assertThat(text(TimestepRecords.label("pump-cavitation"))).isEqualTo("{\"label\":\"pump-cavitation\"}");
    assertThat(text(TimestepRecords.label("x", 1L, 2L))).isEqualTo("{\"label\":\"x\",\"from\":1,\"to\":2}");
    String awkward = "quote \" backslash \\ tab \t π";
    assertThat(Json.read(TimestepRecords.label(awkward, null, 9L), Label.class))
        .isEqualTo(new Label(awkward, null, 9L));
  }

  @Test
  void nonFiniteValuesAreRejected() {
    assertThatThrownBy(() -> TimestepRecords.single(1, Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TimestepRecords.chunk(1, 10, 1, Double.POSITIVE_INFINITY))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TimestepRecords.label("")).isInstanceOf(IllegalArgumentException.class);
  }

  @Property(tries = 500)
  void everyFiniteValueReadsBackToTheSameDouble(
      @ForAll double a, @ForAll double b, @ForAll int whole, @ForAll long ts) throws IOException {
    double x = Double.isFinite(a) ? a : 0.5;
    double y = Double.isFinite(b) ? b : -1.25;
    JsonNode single = Json.MAPPER.readTree(TimestepRecords.single(ts, x));
    assertThat(single.get("ts").asLong()).isEqualTo(ts);
    assertThat(single.get("value").doubleValue()).isEqualTo(x);
    JsonNode chunk = Json.MAPPER.readTree(TimestepRecords.chunk(ts, 10, x, y, whole));
    assertThat(chunk.get("values").get(0).doubleValue()).isEqualTo(x);
    assertThat(chunk.get("values").get(1).doubleValue()).isEqualTo(y);
    assertThat(chunk.get("values").get(2).isIntegralNumber()).isTrue();
    assertThat(chunk.get("values").get(2).intValue()).isEqualTo(whole);
  }
}
