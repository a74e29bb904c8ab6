package io.foresight.learn;

import io.foresight.wire.Label;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The labels users have sent, by entity. A window takes the most recent label that covers it: a
 * whole-entity label covers every window of the entity, a ranged one the windows inside its range.
 */
public final class LabelBook {

  private final Map<String, List<Label>> byEntity = new HashMap<>();

  void add(String entity, Label label) {
    byEntity.computeIfAbsent(entity, e -> new ArrayList<>()).add(label);
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

  int entities() {
    return byEntity.size();
  }
}
