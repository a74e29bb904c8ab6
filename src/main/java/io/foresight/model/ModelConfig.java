package io.foresight.model;

import java.util.Objects;

/**
 * Hyper-parameters of a Foresight model; stored in every checkpoint so a reader rebuilds the same
 * architecture.
 *
 * @param encoder {@link Encoder#CAUSAL_CNN} (the default, and the one the stream trains),
 *     {@link Encoder#RESNET} or {@link Encoder#LSTM}
 * @param channels width of every block; the LSTM's hidden size
 * @param blocks residual blocks; for the causal CNN block {@code i} uses dilation {@code 2^i}; the LSTM
 *     has one layer and ignores it
 * @param kernel convolution kernel size
 * @param projectionDim output size of the contrastive projection head
 * @param numClasses classifier outputs; 0 while no labels have been seen
 *
 * <p>Every size has an upper bound ({@link #MAX_CHANNELS}...), far above the models trained here
 * (tens of channels, a few blocks) yet low enough that products of sizes never overflow a long: a
 * checkpoint's header cannot ask a reader for an absurd net. Bounds alone still allow nets of
 * hundreds of GB, so a reader also requires the bytes of every parameter before building one
 * ({@link ForesightNet#checkSections}).
 */
public record ModelConfig(
    Encoder encoder, int channels, int blocks, int kernel, int projectionDim, int numClasses) {

  public static final int MAX_CHANNELS = 4096;
  /** The causal CNN's dilation doubles per block; with {@link #MAX_KERNEL} the receptive field stays an int. */
  public static final int MAX_BLOCKS = 24;
  public static final int MAX_KERNEL = 64;
  public static final int MAX_PROJECTION_DIM = 4096;
  /** The fitted classifier's format counts classes in 16 bits. */
  public static final int MAX_CLASSES = 65_535;

  public ModelConfig {
    Objects.requireNonNull(encoder, "the encoder is missing");
    if (channels < 1 || blocks < 1 || kernel < 1 || projectionDim < 1 || numClasses < 0) {
      throw new IllegalArgumentException("model sizes must be positive: " + this);
    }
    requireAtMost("channels", channels, MAX_CHANNELS);
    requireAtMost("blocks", blocks, MAX_BLOCKS);
    requireAtMost("kernel", kernel, MAX_KERNEL);
    requireAtMost("projectionDim", projectionDim, MAX_PROJECTION_DIM);
    requireAtMost("numClasses", numClasses, MAX_CLASSES);
  }

  private static void requireAtMost(String name, int value, int max) {
    if (value > max) {
      throw new IllegalArgumentException(name + " " + value + " is above the limit of " + max);
    }
  }

  /** Defaults chosen for 2 CPU cores; see README "Model". */
  public static ModelConfig defaults() {
    return defaults(Encoder.CAUSAL_CNN);
  }

  /**
   * Per-encoder defaults: the causal CNN 64 channels x 6 blocks; the ResNet 64 channels x 3 blocks (as
   * the common UCR ResNet); the LSTM hidden 128.
   */
  public static ModelConfig defaults(Encoder encoder) {
    return switch (encoder) {
      case RESNET -> new ModelConfig(encoder, 64, 3, 3, 128, 0);
      case LSTM -> new ModelConfig(encoder, 128, 1, 3, 128, 0);
      case CAUSAL_CNN -> new ModelConfig(encoder, 64, 6, 3, 128, 0);
    };
  }

  public ModelConfig withClasses(int classes) {
    return new ModelConfig(encoder, channels, blocks, kernel, projectionDim, classes);
  }

  public ModelConfig withSize(int newChannels, int newBlocks) {
    return new ModelConfig(encoder, newChannels, newBlocks, kernel, projectionDim, numClasses);
  }

  /** Whether position t's features depend on steps 0..t only, so next-step prediction is honest. */
  public boolean isCausal() {
    return encoder.isCausal();
  }

  /**
   * Size of the pooled embedding: masked mean and max for the causal CNN, masked mean for the ResNet
   * (as its recipe pools), the output at the last real step for the LSTM.
   */
  public int embeddingDim() {
    return encoder == Encoder.CAUSAL_CNN ? 2 * channels : channels;
  }

  /** Steps of history that position t of the causal CNN sees, t included. */
  public int receptiveField() {
    return 1 + 2 * (kernel - 1) * ((1 << blocks) - 1);
  }
}
