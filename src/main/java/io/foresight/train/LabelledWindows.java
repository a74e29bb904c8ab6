package io.foresight.train;

import io.foresight.wire.Label;
import io.foresight.wire.Window;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The windows the live classifier is fitted on, and the labels that say what they are.
 *
 * <p>Windows of entities with a label are kept, the newest within {@code labelledSteps} steps in all
 * (bounded in steps, not windows, since a window may hold 512 steps or 30 720); a window's label is
 * looked up when the classifier is fitted, so a retracted or replaced label never lingers. Windows of
 * entities without a label yet are kept too, the last {@value #RECENT_PER_ENTITY} of each within
 * {@code recentSteps} steps in all (least recently active entities dropped first), so that a label
 * arriving after its entity's windows still labels them; later windows of the entity are kept anyway.
 *
 * <p>{@link #changes()} counts what should make the trainer refit soon: labels added or retracted, and
 * labelled entities getting their first window. Not thread-safe: the trainer's thread owns it.
 */
final class LabelledWindows {

  /** Steps of unlabelled entities' recent windows kept at most (4 MiB of values). */
  static final long RECENT_STEPS = 1 << 20;

  /** Recent windows kept per unlabelled entity. */
  static final int RECENT_PER_ENTITY = 4;

  /** A labelled window as the classifier is fitted on it. */
  record Example(Window window, String label) {}

  private final LabelBook book;
  private final long labelledSteps;
  private final long recentSteps;
  private final ArrayDeque<Window> labelled = new ArrayDeque<>();
  private long labelledStepCount;
  private final Map<String, Integer> labelledPerEntity = new HashMap<>();
  private final LinkedHashMap<String, ArrayDeque<Window>> recent = new LinkedHashMap<>(16, 0.75f, true);
  private long recentStepCount;
  private long changes;

  LabelledWindows(int maxClasses, int maxLabelledEntities, long labelledSteps, long recentSteps) {
    if (labelledSteps < 4) {
      throw new IllegalArgumentException("keep at least two labelled windows' steps, not " + labelledSteps);
    }
    this.book = new LabelBook(maxClasses, maxLabelledEntities);
    this.labelledSteps = labelledSteps;
    this.recentSteps = recentSteps;
  }

  void addWindow(Window window) {
    if (book.hasLabels(window.entity())) {
      keepLabelled(window);
      return;
    }
    ArrayDeque<Window> windows = recent.computeIfAbsent(window.entity(), e -> new ArrayDeque<>());
    windows.addLast(window);
    recentStepCount += window.length();
    if (windows.size() > RECENT_PER_ENTITY) {
      recentStepCount -= windows.removeFirst().length();
    }
    Iterator<Map.Entry<String, ArrayDeque<Window>>> eldest = recent.entrySet().iterator();
    while (recentStepCount > recentSteps && eldest.hasNext()) {
      for (Window w : eldest.next().getValue()) {
        recentStepCount -= w.length();
      }
      eldest.remove();
    }
  }

  /**
   * Records a label; the entity's recent windows become labelled ones.
   *
   * @return null when recorded; else why not (a class or entity beyond its bound; nothing recorded)
   */
  TrainerMetrics.Rejection addLabel(String entity, Label label) {
    TrainerMetrics.Rejection refused = book.add(entity, label);
    if (refused != null) {
      return refused;
    }
    changes++;
    ArrayDeque<Window> earlier = recent.remove(entity);
    if (earlier != null) {
      for (Window w : earlier) {
        recentStepCount -= w.length();
        keepLabelled(w);
      }
    }
    return null;
  }

  /** Retracts an entity's labels and forgets its labelled windows; false when it had none. */
  boolean retract(String entity) {
    if (!book.retract(entity)) {
      return false;
    }
    changes++;
    labelled.removeIf(w -> {
      boolean gone = w.entity().equals(entity);
      if (gone) {
        labelledStepCount -= w.length();
      }
      return gone;
    });
    labelledPerEntity.remove(entity);
    return true;
  }

  private void keepLabelled(Window window) {
    labelled.addLast(window);
    labelledStepCount += window.length();
    if (labelledPerEntity.merge(window.entity(), 1, Integer::sum) == 1) {
      changes++;
    }
    while (labelledStepCount > labelledSteps && labelled.size() > 1) {
      Window oldest = labelled.removeFirst();
      labelledStepCount -= oldest.length();
      labelledPerEntity.computeIfPresent(oldest.entity(), (k, n) -> n == 1 ? null : n - 1);
    }
  }

  /**
   * Up to {@code max} labelled windows, shared out evenly between classes and, within a class,
   * between entities, newest first: a class or a device with many windows does not crowd out the
   * others. A window whose steps equal those of one already taken (a series replayed under a new
   * entity id, a stuck sensor) is left out: it adds weight and no information, and in
   * cross-validation it would be its own copy's answer.
   */
  List<Example> fitSet(int max) {
    Map<String, Map<String, ArrayDeque<Window>>> byClass = new TreeMap<>();
    Set<Values> seen = new HashSet<>();
    for (Iterator<Window> it = labelled.descendingIterator(); it.hasNext(); ) {
      Window w = it.next();
      String label = book.labelOf(w.entity(), w.startTs(), w.endTs());
      if (label != null && seen.add(new Values(w.values()))) {
        byClass
            .computeIfAbsent(label, k -> new LinkedHashMap<>())
            .computeIfAbsent(w.entity(), k -> new ArrayDeque<>())
            .addLast(w);
      }
    }
    List<Map.Entry<String, List<ArrayDeque<Window>>>> classes = new ArrayList<>();
    byClass.forEach((label, entities) -> classes.add(Map.entry(label, new ArrayList<>(entities.values()))));
    int[] nextEntity = new int[classes.size()];
    List<Example> out = new ArrayList<>();
    boolean progress = true;
    while (out.size() < max && progress) {
      progress = false;
      for (int c = 0; c < classes.size() && out.size() < max; c++) {
        List<ArrayDeque<Window>> entities = classes.get(c).getValue();
        for (int tried = 0; tried < entities.size(); tried++) {
          ArrayDeque<Window> windows = entities.get(nextEntity[c]++ % entities.size());
          if (!windows.isEmpty()) {
            out.add(new Example(windows.removeFirst(), classes.get(c).getKey()));
            progress = true;
            break;
          }
        }
      }
    }
    return out;
  }

  /** A window's values as a key: equal when the steps are. */
  private record Values(float[] steps) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Values v && Arrays.equals(steps, v.steps);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(steps);
    }
  }

  /** Labels added or retracted, and labelled entities that got their first window, so far. */
  long changes() {
    return changes;
  }

  /** Labelled windows kept. */
  int windows() {
    return labelled.size();
  }

  /** Entities with a label and at least one window kept. */
  int labelledEntities() {
    return labelledPerEntity.size();
  }

  /** Distinct classes among the labels. */
  int classes() {
    return book.classes();
  }

  int maxClasses() {
    return book.maxClasses();
  }

  int maxLabelledEntities() {
    return book.maxEntities();
  }
}
