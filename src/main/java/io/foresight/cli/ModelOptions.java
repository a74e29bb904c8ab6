package io.foresight.cli;

import io.foresight.model.Encoder;
import io.foresight.model.ModelConfig;
import picocli.CommandLine.Option;

/** Architecture flags shared by the commands that build a new model. */
final class ModelOptions {

  @Option(names = "--encoder", defaultValue = "causal-cnn",
      description = "causal-cnn (the default, and the one the stream trains), resnet (plain,"
          + " non-causal: masked and contrastive objectives only) or lstm.")
  String encoder;

  @Option(names = "--channels",
      description = "Channels per block, or the LSTM's hidden size (default: 64; LSTM 128).")
  Integer channels;

  @Option(names = "--blocks",
      description = "Residual blocks (default: causal-cnn 6, dilation doubling per block; resnet 3).")
  Integer blocks;

  ModelConfig config() {
    return config(ModelConfig.defaults(Encoder.parse(encoder)));
  }

  /** The architecture, with the given defaults for the sizes not set by flags. */
  ModelConfig config(ModelConfig defaults) {
    Encoder chosen = Encoder.parse(encoder);
    if (defaults.encoder() != chosen) {
      defaults = ModelConfig.defaults(chosen);
    }
    return defaults.withSize(
        channels != null ? channels : defaults.channels(), blocks != null ? blocks : defaults.blocks());
  }
}
