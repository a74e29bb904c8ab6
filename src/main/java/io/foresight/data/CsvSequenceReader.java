package io.foresight.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a CSV file of integer sequences (event codes, counts, token ids): one sequence per line,
 * comma-separated.
 *
 * <p>If the first field of the first line is {@code label} (any case) that line is a header and the
 * first field of every later row is the row's class label; otherwise there is no header and the
 * sequences are unlabelled. Rows may differ in length; empty trailing fields are padding and removed.
 * Blank lines are skipped.
 */
public final class CsvSequenceReader {

  // Larger magnitudes would not survive the conversion to double unchanged.
  private static final long MAX_EXACT = 1L << 53;

  private CsvSequenceReader() {}

  /** Reads {@code file}, naming the dataset after the file (see {@link DatasetReaders#datasetName}). */
  public static Dataset read(Path file) throws IOException {
    return read(file, DatasetReaders.datasetName(file));
  }

  /** Reads {@code file} into a dataset called {@code name}. */
  public static Dataset read(Path file, String name) throws IOException {
    Parser parser = new Parser(file);
    Lines.forEach(file, parser::accept);
    if (parser.series.isEmpty()) {
      throw new DatasetFormatException(file, 0, "no series in file");
    }
    return new Dataset(name, parser.series);
  }

  /** Parsing state: whether the header line has been looked for and found, then the series. */
  private static final class Parser {
    final Path file;
    final List<Series> series = new ArrayList<>();
    boolean seenFirstLine;
    boolean hasHeader;

    Parser(Path file) {
      this.file = file;
    }

    void accept(String line, long lineNumber) throws DatasetFormatException {
      if (line.isBlank()) {
        return;
      }
      String[] fields = line.split(",", -1);
      if (!seenFirstLine) {
        seenFirstLine = true;
        if (fields[0].strip().equalsIgnoreCase("label")) {
          hasHeader = true;
          return;
        }
      }
      series.add(parseRow(fields, hasHeader, file, lineNumber));
    }
  }

  private static Series parseRow(String[] fields, boolean labelled, Path file, long lineNumber)
      throws DatasetFormatException {
    int first = labelled ? 1 : 0;
    String label = null;
    if (labelled) {
      label = fields[0].strip();
      if (label.isEmpty()) {
        throw new DatasetFormatException(file, lineNumber, "empty label in column 1");
      }
    }
    int end = fields.length;
    while (end > first && fields[end - 1].isBlank()) {
      end--;
    }
    if (end == first) {
      throw new DatasetFormatException(file, lineNumber, "row has no values");
    }
    double[] values = new double[end - first];
    for (int i = first; i < end; i++) {
      String token = fields[i].strip();
      int column = i + 1;
      if (token.isEmpty()) {
        throw new DatasetFormatException(file, lineNumber, "missing value in column " + column);
      }
      long value;
      try {
        value = Long.parseLong(token);
      } catch (NumberFormatException e) {
        throw new DatasetFormatException(
            file, lineNumber, "not an integer: '" + token + "' in column " + column);
      }
      if (Math.abs(value) > MAX_EXACT) {
        throw new DatasetFormatException(
            file, lineNumber, "integer too large: '" + token + "' in column " + column);
      }
      values[i - first] = value;
    }
    return new Series(label, values);
  }
}
