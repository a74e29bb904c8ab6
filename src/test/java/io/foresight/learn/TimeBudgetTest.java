package io.foresight.learn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class TimeBudgetTest {

  @Test
  void eachTaskGetsItsWeightOverTheWeightsStillToComeOfTheTimeStillLeft() {
    TimeBudget budget = new TimeBudget(100, 10);
    assertThat(budget.take(5)).isCloseTo(50, within(0.5));
    // No time was spent here, so the next unit task gets a fifth of the (still) 100 s left.
    assertThat(budget.take(1)).isCloseTo(20, within(0.5));
  }

  @Test
  void timeSpentOutsideTheTasksComesOutOfLaterShares() throws InterruptedException {
    TimeBudget budget = new TimeBudget(1.0, 2);
    Thread.sleep(500); // work the budget did not hand out, such as scoring
    // Half the budget is left for two equal tasks: each gets a quarter, but never under one second.
    assertThat(budget.take(1)).isEqualTo(1.0);
  }

  @Test
  void aTaskAfterTheDeadlineStillGetsOneSecond() {
    TimeBudget budget = new TimeBudget(0, 1);
    assertThat(budget.take(1)).isEqualTo(1.0);
  }
}
