package io.foresight.learn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class LabelledSubsetsTest {

  // 30 of class 0, 10 of class 1, 2 of class 2.
  private static final int[] LABELS = new int[42];

  static {
    for (int i = 30; i < 40; i++) {
      LABELS[i] = 1;
    }
    LABELS[40] = 2;
    LABELS[41] = 2;
  }

  @Test
  void stratifiedSubsetsKeepTheShareOfEveryClassAndAtLeastOneOfEach() {
    List<Integer> chosen = LabelledSubsets.stratified(LABELS, 3, 0.1, 0);
    long[] counts = new long[3];
    chosen.forEach(i -> counts[LABELS[i]]++);
    assertThat(counts).containsExactly(3, 1, 1);
    assertThat(new HashSet<>(chosen)).hasSameSizeAs(chosen);
  }

  @Test
  void theSameSeedDrawsTheSameSubsetAndAnotherSeedAnother() {
    assertThat(LabelledSubsets.stratified(LABELS, 3, 0.5, 7))
        .isEqualTo(LabelledSubsets.stratified(LABELS, 3, 0.5, 7))
        .isNotEqualTo(LabelledSubsets.stratified(LABELS, 3, 0.5, 8));
  }

  @Test
  void theWholeFractionKeepsEverySeries() {
    assertThat(LabelledSubsets.stratified(LABELS, 3, 1.0, 0)).hasSize(42);
    assertThat(LabelledSubsets.random(42, 1.0, 0)).hasSize(42);
    assertThat(LabelledSubsets.random(42, 0.25, 0)).hasSize(11);
  }

  @Test
  void fractionsOutsideZeroToOneAreRejected() {
    assertThatThrownBy(() -> LabelledSubsets.stratified(LABELS, 3, 0, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LabelledSubsets.stratified(LABELS, 3, 1.5, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
