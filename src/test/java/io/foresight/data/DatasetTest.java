package io.foresight.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class DatasetTest {

  private static Series series(String label, double... values) {
    return new Series(label, values);
  }

  private static Dataset labelled(String... labels) {
    return new Dataset("d", Arrays.stream(labels).map(l -> series(l, 1.0)).toList());
  }

  @Test
  void classNamesSortNumericLabelsByValue() {
    assertThat(labelled("-1", "1", "10", "2", "1").classNames()).containsExactly("-1", "1", "2", "10");
  }

  @Test
  void classNamesSortTextLabelsLexicographically() {
    assertThat(labelled("pump", "fan", "10", "2").classNames()).containsExactly("10", "2", "fan", "pump");
  }

  @Test
  void classNamesIgnoreUnlabelledSeries() {
    assertThat(labelled("b", null, "a").classNames()).containsExactly("a", "b");
  }

  @Test
  void isLabelledOnlyWhenEverySeriesHasALabel() {
    assertThat(labelled("a", "b").isLabelled()).isTrue();
    assertThat(labelled("a", null).isLabelled()).isFalse();
  }

  @Test
  void minAndMaxLengthSpanTheRaggedSeries() {
    Dataset d = new Dataset("d", List.of(series("a", 1, 2, 3), series("b", 1), series("a", 1, 2)));
    assertThat(d.minLength()).isEqualTo(1);
    assertThat(d.maxLength()).isEqualTo(3);
    assertThat(d.size()).isEqualTo(3);
  }

  @Test
  void integerValuedWhenEveryValueIsWhole() {
    assertThat(new Dataset("d", List.of(series(null, 0, -3, 1e6), series(null, 7))).isIntegerValued()).isTrue();
    assertThat(new Dataset("d", List.of(series(null, 0, 1), series(null, 2.5))).isIntegerValued()).isFalse();
  }

  @Test
  void subsetPicksSeriesInTheGivenOrderAndKeepsTheName() {
    Dataset d = new Dataset("d", List.of(series("a", 1), series("b", 2), series("c", 3)));
    Dataset sub = d.subset(List.of(2, 0));
    assertThat(sub.name()).isEqualTo("d");
    assertThat(sub.series()).containsExactly(series("c", 3), series("a", 1));
  }

  @Test
  void withNameKeepsTheSeries() {
    Dataset d = labelled("a", "b");
    assertThat(d.withName("other").name()).isEqualTo("other");
    assertThat(d.withName("other").series()).isEqualTo(d.series());
  }

  @Test
  void seriesCompareByValueNotArrayIdentity() {
    assertThat(series("a", 1, 2)).isEqualTo(series("a", 1, 2)).hasSameHashCodeAs(series("a", 1, 2));
    assertThat(series("a", 1, 2)).isNotEqualTo(series("a", 1, 3));
  }
}
