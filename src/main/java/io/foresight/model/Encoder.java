package io.foresight.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The encoders a model can have; checkpoints and flags name them by {@link #cliName()}. */
public enum Encoder {
  /** Causal, dilated, residual 1D CNN: every position sees only the past (the default). */
  CAUSAL_CNN("causal-cnn"),
  /** The plain supervised ResNet users write first: same-padding convolutions and batch norm. */
  RESNET("resnet"),
  /** The LSTM of the temporal-contrastive recipe: one value per step in, hidden state out. */
  LSTM("lstm");

  private final String cliName;

  Encoder(String cliName) {
    this.cliName = cliName;
  }

  /** The encoder of a flag or checkpoint name; the error lists the known names. */
  @JsonCreator
  public static Encoder parse(String name) {
    for (Encoder encoder : values()) {
      if (encoder.cliName.equals(name.toLowerCase(Locale.ROOT))) {
        return encoder;
      }
    }
    throw new IllegalArgumentException(
        "unknown encoder '" + name + "'; known: "
            + Arrays.stream(values()).map(Encoder::cliName).collect(Collectors.joining(", ")));
  }

  @JsonValue
  public String cliName() {
    return cliName;
  }

  /** Whether position t's features depend on steps 0..t only, so next-step prediction is honest. */
  public boolean isCausal() {
    return this != RESNET;
  }

  @Override
  public String toString() {
    return cliName;
  }
}
