package io.foresight.cli;

import picocli.CommandLine.Option;

/** {@code --model-name}: which model's checkpoints on foresight.models a command works with. */
final class ModelNameOption {

  @Option(names = "--model-name", defaultValue = "foresight",
      description = "Key of the model's checkpoints on foresight.models (default: ${DEFAULT-VALUE}).")
  String modelName;
}
