package io.foresight.train;

import io.foresight.wire.Label;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The labels users have sent, by entity. A window takes the most recent label that covers it: a
 * whole-entity label covers every window of the entity, a ranged one the windows inside its range. A
 * tombstone retracts every label of its entity. At most {@code maxClasses} distinct class names are
 * in use at once, and at most {@code maxEntities} entities have labels; a label that would add one
 * more is refused (and, in the service, dead-lettered). An entity keeps its newest {@value
 * #MAX_LABELS_PER_ENTITY} labels: the memory of a label book is bounded by what users can send.
 */
final class LabelBook {

  /** Labels kept per entity; older ones are forgotten (a whole-entity label hides them anyway). */
  static final int MAX_LABELS_PER_ENTITY = 64;

  private final int maxClasses;
  private final int maxEntities;
  private final Map<String, List<Label>> byEntity = new HashMap<>();
  /** Labels in use per class name, so a class leaves when its last label is retracted. */
  private final Map<String, Integer> classUse = new TreeMap<>();

  LabelBook(int maxClasses, int maxEntities) {
    if (maxClasses < 2) {
      throw new IllegalArgumentException("at least two classes are needed, not " + maxClasses);
    }
    if (maxEntities < 1) {
      throw new IllegalArgumentException("at least one labelled entity is needed, not " + maxEntities);
    }
    this.maxClasses = maxClasses;
    this.maxEntities = maxEntities;
  }

  /**
   * Records a label.
   *
   * @return null when recorded; else why not (nothing is recorded)
   */
  TrainerMetrics.Rejection add(String entity, Label label) {
    if (!classUse.containsKey(label.label()) && classUse.size() >= maxClasses) {
      return TrainerMetrics.Rejection.TOO_MANY_CLASSES;
    }
    List<Label> labels = byEntity.get(entity);
    if (labels == null) {
      if (byEntity.size() >= maxEntities) {
        return TrainerMetrics.Rejection.TOO_MANY_LABELLED_ENTITIES;
      }
      labels = new ArrayList<>();
      byEntity.put(entity, labels);
    }
    labels.add(label);
    classUse.merge(label.label(), 1, Integer::sum);
    if (labels.size() > MAX_LABELS_PER_ENTITY) {
      release(labels.remove(0));
    }
    return null;
  }

  private void release(Label label) {
    classUse.computeIfPresent(label.label(), (k, n) -> n == 1 ? null : n - 1);
  }

  /**
   * Retracts every label of an entity (a tombstone on {@code foresight.labels}).
   *
   * @return whether it had any
   */
  boolean retract(String entity) {
    List<Label> labels = byEntity.remove(entity);
    if (labels == null) {
      return false;
    }
    labels.forEach(this::release);
    return true;
  }

  /** The label of a window, or null when none covers it. */
  String labelOf(String entity, long startTs, long endTs) {
    List<Label> labels = byEntity.get(entity);
    if (labels == null) {
      return null;
    }
    for (int i = labels.size() - 1; i >= 0; i--) {
      if (labels.get(i).covers(startTs, endTs)) {
        return labels.get(i).label();
      }
    }
    return null;
  }

  boolean hasLabels(String entity) {
    return byEntity.containsKey(entity);
  }

  /** Distinct class names in use. */
  int classes() {
    return classUse.size();
  }

  int maxClasses() {
    return maxClasses;
  }

  int maxEntities() {
    return maxEntities;
  }
}
