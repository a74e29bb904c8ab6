package io.foresight.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.foresight.wire.Label;
import io.foresight.wire.Window;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Labels as users send them, and the windows they label. */
class LabelledWindowsTest {

  private static Window window(String entity, long seq) {
    return new Window(entity, seq * 1000, seq * 1000 + 630, seq, new float[] {1, 2, 3, seq, entity.hashCode()});
  }

  private static List<String> fitLabels(LabelledWindows windows) {
    return windows.fitSet(100).stream().map(e -> e.window().entity() + ":" + e.label()).toList();
  }

  @Test
  void aLabelBeforeOrAfterItsEntitysWindowsLabelsThem() {
    LabelledWindows windows = new LabelledWindows(256, 1000, 500, 1000);
    windows.addLabel("a", Label.whole("saw"));
    windows.addWindow(window("a", 0));
    windows.addWindow(window("b", 0)); // no label yet
    windows.addWindow(window("c", 5)); // 5000..5630
    assertThat(fitLabels(windows)).containsExactly("a:saw");

    windows.addLabel("b", Label.whole("flat"));
    windows.addLabel("c", new Label("flat", 0L, 4000L)); // does not cover c's window
    assertThat(fitLabels(windows)).containsExactlyInAnyOrder("a:saw", "b:flat");
    windows.addLabel("c", new Label("flat", 4000L, 6000L));
    assertThat(fitLabels(windows)).containsExactlyInAnyOrder("a:saw", "b:flat", "c:flat");
    windows.addWindow(window("b", 1));
    assertThat(windows.windows()).isEqualTo(4);
    assertThat(windows.labelledEntities()).isEqualTo(3);
  }

  @Test
  void aTombstoneRetractsTheEntitysLabelsAndAReplacedLabelWins() {
    LabelledWindows windows = new LabelledWindows(256, 1000, 500, 1000);
    windows.addLabel("a", Label.whole("saw"));
    windows.addLabel("b", Label.whole("flat"));
    windows.addWindow(window("a", 0));
    windows.addWindow(window("b", 0));
    long before = windows.changes();
    assertThat(windows.retract("a")).isTrue();
    assertThat(windows.changes()).isGreaterThan(before);
    assertThat(fitLabels(windows)).containsExactly("b:flat");
    assertThat(windows.classes()).isEqualTo(1);
    assertThat(windows.retract("a")).isFalse();

    windows.addLabel("b", Label.whole("saw"));
    assertThat(fitLabels(windows)).containsExactly("b:saw");
  }

  @Test
  void classesBeyondTheBoundAreRefusedUntilOneIsRetracted() {
    LabelledWindows windows = new LabelledWindows(2, 1000, 500, 1000);
    assertThat(windows.addLabel("a", Label.whole("x"))).isNull();
    assertThat(windows.addLabel("b", Label.whole("y"))).isNull();
    assertThat(windows.addLabel("c", Label.whole("x"))).isNull(); // a class in use
    assertThat(windows.addLabel("d", Label.whole("z"))).isEqualTo(TrainerMetrics.Rejection.TOO_MANY_CLASSES);
    windows.addWindow(window("d", 0));
    assertThat(windows.windows()).isZero(); // d has no label
    windows.retract("b");
    assertThat(windows.addLabel("d", Label.whole("z"))).isNull();
    assertThat(fitLabels(windows)).containsExactly("d:z");
  }

  @Test
  void labelledEntitiesBeyondTheBoundAreRefusedAndLabelsPerEntityAreBounded() {
    LabelledWindows windows = new LabelledWindows(256, 2, 500, 1000);
    assertThat(windows.addLabel("a", Label.whole("x"))).isNull();
    assertThat(windows.addLabel("b", Label.whole("y"))).isNull();
    assertThat(windows.addLabel("c", Label.whole("x")))
        .isEqualTo(TrainerMetrics.Rejection.TOO_MANY_LABELLED_ENTITIES);
    assertThat(windows.addLabel("a", Label.whole("y"))).isNull(); // a known entity may relabel
    windows.retract("b");
    assertThat(windows.addLabel("c", Label.whole("x"))).isNull();

    // A stream of ranged labels for one entity: the oldest are forgotten, the classes they held leave.
    for (int i = 0; i < 3 * LabelBook.MAX_LABELS_PER_ENTITY; i++) {
      assertThat(windows.addLabel("a", new Label(i < LabelBook.MAX_LABELS_PER_ENTITY ? "old" : "new", 0L, 1L)))
          .isNull();
    }
    assertThat(windows.classes()).isEqualTo(2); // x (entity c) and new; y and old were forgotten
  }

  @Test
  void theFitSetSharesItsWindowsEvenlyBetweenClassesAndEntitiesNewestFirst() {
    LabelledWindows windows = new LabelledWindows(256, 1000, 5000, 1000);
    windows.addLabel("big-1", Label.whole("common"));
    windows.addLabel("big-2", Label.whole("common"));
    windows.addLabel("rare", Label.whole("rare"));
    for (int i = 0; i < 50; i++) {
      windows.addWindow(window("big-1", i));
      windows.addWindow(window("big-2", i));
    }
    for (int i = 0; i < 5; i++) {
      windows.addWindow(window("rare", i));
    }
    List<LabelledWindows.Example> set = windows.fitSet(10);
    assertThat(set.stream().filter(e -> e.label().equals("rare")).count()).isEqualTo(5);
    assertThat(set.stream().filter(e -> e.window().entity().equals("big-1")).count()).isBetween(2L, 3L);
    assertThat(set.stream().filter(e -> e.window().entity().equals("big-1")).mapToLong(e -> e.window().sequence()))
        .allMatch(seq -> seq >= 47);
  }

  @Test
  void aWindowRepeatingAnotherOnesStepsIsFittedOnOnce() {
    LabelledWindows windows = new LabelledWindows(256, 1000, 500, 1000);
    windows.addLabel("train-1", Label.whole("x"));
    windows.addLabel("train-1-r2", Label.whole("x")); // the same series replayed under a new id
    Window original = window("train-1", 0);
    windows.addWindow(original);
    windows.addWindow(new Window("train-1-r2", 5000, 5630, 0, original.values().clone()));
    assertThat(windows.fitSet(10)).hasSize(1);
  }

  @Test
  void theOldestLabelledWindowsGoFirstBeyondTheStepBound() {
    LabelledWindows windows = new LabelledWindows(256, 1000, 15, 1000); // three 5-step windows
    windows.addLabel("a", Label.whole("x"));
    for (int i = 0; i < 5; i++) {
      windows.addWindow(window("a", i));
    }
    assertThat(windows.windows()).isEqualTo(3);
    assertThat(windows.fitSet(10).stream().mapToLong(e -> e.window().sequence())).containsExactly(4L, 3L, 2L);
  }
}
