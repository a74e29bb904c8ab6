package io.foresight.learn;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Pretext tasks and their loss weights; {@link #ALL} combines the three with equal weight. */
public enum Objective {
  NEXT_STEP("next-step", 1, 0, 0),
  MASKED("masked", 0, 1, 0),
  CONTRASTIVE("contrastive", 0, 0, 1),
  ALL("all", 1, 1, 1);

  private final String cliName;
  private final float nextStepWeight;
  private final float maskedWeight;
  private final float contrastiveWeight;

  Objective(String cliName, float nextStep, float masked, float contrastive) {
    this.cliName = cliName;
    this.nextStepWeight = nextStep;
    this.maskedWeight = masked;
    this.contrastiveWeight = contrastive;
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
