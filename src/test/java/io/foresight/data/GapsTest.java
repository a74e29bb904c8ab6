package io.foresight.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class GapsTest {

  private static final double NAN = Double.NaN;

  @Test
  void innerGapsAreInterpolatedAndEdgeGapsTakeTheNearestValue() {
    assertThat(Gaps.interpolate(new double[] {NAN, 2, NAN, NAN, 8, NAN}))
        .containsExactly(2, 2, 4, 6, 8, 8);
  }

  @Test
  void aSeriesWithoutGapsIsReturnedAsItIs() {
    double[] values = {1, 2, 3};
    assertThat(Gaps.interpolate(values)).isSameAs(values);
    assertThat(Gaps.any(values)).isFalse();
  }

  @Test
  void aSeriesOfGapsOnlyIsRefused() {
    assertThatThrownBy(() -> Gaps.interpolate(new double[] {NAN, NAN}))
        .hasMessageContaining("no real value");
  }
}
