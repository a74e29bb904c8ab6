package io.foresight.learn;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Pretext tasks and their loss weights. {@link #ALL} combines next-step, masked and temporal contrast
 * with equal weight; {@link #HIERARCHICAL} is TS2Vec's hierarchical contrast, alone or beside next-step
 * prediction (the stream's surprise score is the next-step loss, so the stream keeps that term).
 */
public enum Objective {
  NEXT_STEP("next-step", 1, 0, 0, 0),
  MASKED("masked", 0, 1, 0, 0),
  CONTRASTIVE("contrastive", 0, 0, 1, 0),
  ALL("all", 1, 1, 1, 0),
  HIERARCHICAL("hierarchical", 0, 0, 0, 1),
  HIERARCHICAL_NEXT_STEP("hierarchical+next-step", 1, 0, 0, 1),
  HIERARCHICAL_MASKED("hierarchical+masked", 0, 1, 0, 1);

  private final String cliName;
  private final float nextStepWeight;
  private final float maskedWeight;
  private final float contrastiveWeight;
  private final float hierarchicalWeight;

  Objective(
      String cliName, float nextStep, float masked, float contrastive, float hierarchical) {
    this.cliName = cliName;
    this.nextStepWeight = nextStep;
    this.maskedWeight = masked;
    this.contrastiveWeight = contrastive;
    this.hierarchicalWeight = hierarchical;
  }

  public static Objective parse(String name) {
    for (Objective objective : values()) {
      if (objective.cliName.equals(name.toLowerCase(Locale.ROOT))) {
        return objective;
      }
    }
    throw new IllegalArgumentException(
        "unknown objective '"
            + name
            + "'; known: "
            + Arrays.stream(values()).map(Objective::cliName).collect(Collectors.joining(", ")));
  }

  public String cliName() {
    return cliName;
  }

  public float nextStepWeight() {
    return nextStepWeight;
  }

  public float maskedWeight() {
    return maskedWeight;
  }

  public float contrastiveWeight() {
    return contrastiveWeight;
  }

  public float hierarchicalWeight() {
    return hierarchicalWeight;
  }

  /** Whether the batch needs the plain view (next-step and contrastive read it). */
  boolean needsPlainView() {
    return nextStepWeight > 0 || contrastiveWeight > 0;
  }

  /** Whether the batch needs the masked view (masked-step and contrastive read it). */
  boolean needsMaskedView() {
    return maskedWeight > 0 || contrastiveWeight > 0;
  }

  @Override
  public String toString() {
    return cliName;
  }
}
