package io.foresight.learn;

/**
 * Shares a wall-clock budget among tasks of different weights, handing each its share of the time
 * still left when it starts. Whatever the tasks around them cost (scoring, the probe's
 * cross-validation) comes out of later shares, so the whole run ends near the budget.
 */
final class TimeBudget {

  private final long deadline;
  private double unitsLeft;

  TimeBudget(double seconds, double totalUnits) {
    this.deadline = System.nanoTime() + (long) (seconds * 1e9);
    this.unitsLeft = totalUnits;
  }

  /** Seconds for the next task of {@code units} weight; at least one second. */
  double take(double units) {
    double left = (deadline - System.nanoTime()) / 1e9;
    double share = unitsLeft > 0 ? left * Math.min(1, units / unitsLeft) : left;
    unitsLeft = Math.max(0, unitsLeft - units);
    return Math.max(1, share);
  }
}
