package io.foresight.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Rounds alternate the cases, leave warm-ups out of the figures and report medians of the rest. */
class RoundsTest {

  @Test
  void casesAlternateInTheOrderAddedAndEveryRoundIsReportedAfterItsCases() throws Exception {
    List<String> calls = new ArrayList<>();
    Rounds rounds = new Rounds(1, 2);
    rounds.add(round -> {
      calls.add("a" + round.index());
      return 0;
    });
    rounds.add(round -> {
      calls.add("b" + round.index());
      return 0;
    });
    rounds.run(round -> calls.add("done " + round.number() + (round.warmUp() ? " warm-up" : "")));

    assertThat(calls).containsExactly(
        "a1", "b1", "done 0 warm-up",
        "a2", "b2", "done 1",
        "a3", "b3", "done 2");
  }

  @Test
  void warmUpsAreMeasuredButNotCounted() throws Exception {
    Rounds rounds = new Rounds(2, 3);
    Rounds.Case rate = rounds.add(figures(1000, 900, 5, 1, 3));
    List<Double> seenAfterEachRound = new ArrayList<>();
    rounds.run(round -> seenAfterEachRound.add(rate.latest()));

    assertThat(seenAfterEachRound).containsExactly(1000.0, 900.0, 5.0, 1.0, 3.0);
    assertThat(rate.rounds()).containsExactly(5, 1, 3);
    assertThat(rate.median()).isEqualTo(3);
  }

  @Test
  void theMedianOfAnEvenCountIsTheMeanOfTheMiddleTwo() throws Exception {
    Rounds rounds = new Rounds(0, 4);
    Rounds.Case seconds = rounds.add(figures(4, 1, 10, 2));
    Rounds.Case other = rounds.add(figures(7, 7, 7, 7));
    rounds.run();

    assertThat(seconds.median()).isEqualTo(3);
    assertThat(other.median()).isEqualTo(7);
  }

  @Test
  void roundsRunOnce() throws Exception {
    Rounds rounds = new Rounds(0, 1);
    rounds.add(round -> 1);
    rounds.run();

    assertThatThrownBy(rounds::run).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> rounds.add(round -> 2)).isInstanceOf(IllegalStateException.class);
  }

  private static Rounds.Measurement figures(double... values) {
    Iterator<Double> next = java.util.Arrays.stream(values).boxed().iterator();
    return round -> next.next();
  }
}
