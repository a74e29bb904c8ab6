package io.foresight.cli;

import io.foresight.model.Tokenizer;
import picocli.CommandLine.Option;

/** {@code --clamp}: what the tokeniser does with an integer value outside its classes. */
final class ClampOption {

  @Option(names = "--clamp",
      description = "Clamp integer values outside the tokeniser's classes [0, V) to the nearest class"
          + " (and count them) instead of failing.")
  boolean clamp;

  Tokenizer.OutOfRange outOfRange() {
    return clamp ? Tokenizer.OutOfRange.CLAMP : Tokenizer.OutOfRange.ERROR;
  }
}
