package io.foresight.model;

/**
 * Hyper-parameters of a Foresight model; stored in every checkpoint so a reader rebuilds the same
 * architecture.
 *
 * @param encoder encoder family; {@code causal-cnn} is the only one the stream trains
 * @param channels width of every residual block
 * @param blocks residual blocks; block {@code i} uses dilation {@code 2^i}, so the receptive field is
 *     {@code 1 + 4 * (2^blocks - 1)} steps with kernel 3
 * @param kernel convolution kernel size
 * @param projectionDim output size of the contrastive projection head
 * @param numClasses classifier outputs; 0 while no labels have been seen
 */
public record ModelConfig(
    String encoder, int channels, int blocks, int kernel, int projectionDim, int numClasses) {

  public static final String CAUSAL_CNN = "causal-cnn";

  public ModelConfig {
    if (!CAUSAL_CNN.equals(encoder)) {
      throw new IllegalArgumentException("unknown encoder '" + encoder + "'; known: " + CAUSAL_CNN);
    }
    if (channels < 1 || blocks < 1 || kernel < 1 || projectionDim < 1 || numClasses < 0) {
      throw new IllegalArgumentException("model sizes must be positive: " + this);
    }
  }

  /** Defaults chosen for 2 CPU cores; see README "Model defaults". */
  public static ModelConfig defaults() {
    return new ModelConfig(CAUSAL_CNN, 64, 6, 3, 128, 0);
  }

  public ModelConfig withClasses(int classes) {
    return new ModelConfig(encoder, channels, blocks, kernel, projectionDim, classes);
  }

  public ModelConfig withSize(int newChannels, int newBlocks) {
    return new ModelConfig(encoder, newChannels, newBlocks, kernel, projectionDim, numClasses);
  }

  /** Size of the pooled embedding: masked mean and masked max over time, concatenated. */
  public int embeddingDim() {
    return 2 * channels;
  }

  /** Steps of history that position t sees, t included. */
  public int receptiveField() {
    return 1 + 2 * (kernel - 1) * ((1 << blocks) - 1);
  }
}
