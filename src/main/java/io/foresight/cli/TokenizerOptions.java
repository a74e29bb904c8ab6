package io.foresight.cli;

import io.foresight.data.Dataset;
import io.foresight.model.Tokenizer;
import picocli.CommandLine.Option;

/** How a new model turns steps into classes. */
final class TokenizerOptions {

  enum Kind {
    auto,
    integer,
    real
  }

  @Option(names = "--tokenizer", defaultValue = "auto",
      description = "integer (each value in [0, V) a class), real (mean-abs scaling and bins) or auto:"
          + " integer when every TRAIN value is a whole number in [0, 41) (default: ${DEFAULT-VALUE}).")
  Kind kind;

  @Option(names = "--vocabulary",
      description = "Classes V: integer values [0, V) (default 41) or real bins (default 64).")
  Integer vocabulary;

  Tokenizer tokenizer(Dataset train) {
    return switch (kind) {
      case integer -> Tokenizer.integer(
          vocabulary != null ? vocabulary : Tokenizer.DEFAULT_INTEGER_VOCABULARY);
      case real -> Tokenizer.real(
          vocabulary != null ? vocabulary : Tokenizer.DEFAULT_REAL_BINS, Tokenizer.DEFAULT_REAL_LIMIT);
      case auto -> Tokenizer.detect(train.values());
    };
  }
}
