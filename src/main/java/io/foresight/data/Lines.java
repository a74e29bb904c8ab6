package io.foresight.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** Helpers shared by the readers: line streaming with line numbers, number parsing, padding. */
final class Lines {

  private Lines() {}

  /** Receives one line of a file together with its 1-based number. */
  @FunctionalInterface
  interface LineHandler {
    void accept(String line, long lineNumber) throws IOException;
  }

  /**
   * Streams a UTF-8 file line by line, dropping a leading byte-order mark (some spreadsheet tools
   * write one), and returns the number of lines read.
   */
  static long forEach(Path file, LineHandler handler) throws IOException {
    long lineNumber = 0;
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        lineNumber++;
        if (lineNumber == 1 && line.startsWith("\uFEFF")) {
          line = line.substring(1);
        }
        handler.accept(line, lineNumber);
      }
    }
    return lineNumber;
  }

  /**
   * Parses a finite decimal number such as {@code -0.64}, {@code 1e-3}. Unlike
   * {@link Double#parseDouble} alone it rejects {@code Infinity}, {@code NaN}, hexadecimal and Java
   * suffixes like {@code 1d}, none of which belong in a data file.
   *
   * @throws NumberFormatException if the token is not such a number
   */
  static double parseFinite(String token) {
    if (token.isEmpty()) {
      throw new NumberFormatException("empty");
    }
    for (int i = 0; i < token.length(); i++) {
      if ("0123456789+-.eE".indexOf(token.charAt(i)) < 0) {
        throw new NumberFormatException(token);
      }
    }
    double value = Double.parseDouble(token);
    if (!Double.isFinite(value)) {
      throw new NumberFormatException(token); // overflow, e.g. 1e999
    }
    return value;
  }

  /**
   * Removes trailing NaN padding from {@code raw}, where NaN marks a missing value.
   *
   * @param missing how the format writes a missing value, for the error message
   * @param gaps what to do with a missing value that precedes a real one
   * @throws DatasetFormatException if nothing is left, or a missing value precedes a real one under
   *     {@link Gaps.Policy#REFUSE}
   */
  static double[] stripPadding(
      double[] raw, String missing, Gaps.Policy gaps, Path file, long line)
      throws DatasetFormatException {
    int end = raw.length;
    while (end > 0 && Double.isNaN(raw[end - 1])) {
      end--;
    }
    if (end == 0) {
      throw new DatasetFormatException(
          file, line, "series has no values, only padding (" + missing + ")");
    }
    for (int step = 0; step < end && gaps == Gaps.Policy.REFUSE; step++) {
      if (Double.isNaN(raw[step])) {
        throw new DatasetFormatException(
            file, line, "missing value (" + missing + ") inside the series at step " + step
                + " (--missing keep reads gaps)");
      }
    }
    return end == raw.length ? raw : Arrays.copyOf(raw, end);
  }
}
