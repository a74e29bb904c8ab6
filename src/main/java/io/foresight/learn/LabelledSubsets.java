package io.foresight.learn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/** Draws the labelled subset of an experiment: the same share of every class, at least one each. */
public final class LabelledSubsets {

  private LabelledSubsets() {}

  /**
   * Indices of a stratified random subset.
   *
   * @param labels class index of every series
   * @param fraction share of each class to keep, in (0, 1]
   */
  public static List<Integer> stratified(int[] labels, int classes, double fraction, long seed) {
    if (!(fraction > 0 && fraction <= 1)) {
      throw new IllegalArgumentException("label fraction must be in (0, 1], got " + fraction);
    }
    Random random = new Random(seed);
    List<Integer> chosen = new ArrayList<>();
    for (int k = 0; k < classes; k++) {
      List<Integer> members = new ArrayList<>();
      for (int i = 0; i < labels.length; i++) {
        if (labels[i] == k) {
          members.add(i);
        }
      }
      Collections.shuffle(members, random);
      int keep = Math.min(members.size(), Math.max(1, (int) Math.round(fraction * members.size())));
      chosen.addAll(members.subList(0, keep));
    }
    Collections.sort(chosen);
    return chosen;
  }

  /** A random share of all indices (the unlabelled data pretraining may see), at least one. */
  public static List<Integer> random(int size, double fraction, long seed) {
    List<Integer> all = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      all.add(i);
    }
    Collections.shuffle(all, new Random(seed));
    List<Integer> chosen =
        new ArrayList<>(all.subList(0, Math.max(1, (int) Math.round(fraction * size))));
    Collections.sort(chosen);
    return chosen;
  }
}
