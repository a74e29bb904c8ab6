package io.foresight.cli;

import io.foresight.model.ModelConfig;
import picocli.CommandLine.Option;

/** Architecture flags shared by the commands that build a new model. */
final class ModelOptions {

  @Option(names = "--encoder", defaultValue = ModelConfig.CAUSAL_CNN,
      description = "Encoder family (default: ${DEFAULT-VALUE}).")
  String encoder;

  @Option(names = "--channels", defaultValue = "64",
      description = "Channels per residual block (default: ${DEFAULT-VALUE}).")
  int channels;

  @Option(names = "--blocks", defaultValue = "6",
      description = "Residual blocks, dilation doubling per block (default: ${DEFAULT-VALUE}).")
  int blocks;

  ModelConfig config() {
    ModelConfig defaults = ModelConfig.defaults();
    return new ModelConfig(encoder, channels, blocks, defaults.kernel(), defaults.projectionDim(), 0);
  }
}
