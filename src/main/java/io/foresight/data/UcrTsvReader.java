package io.foresight.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads a UCR Time Series Classification Archive (2018) {@code .tsv} file: one series per line, the
 * class label first, then the values, separated by tabs. Lines without any tab are split on
 * whitespace instead, which covers hand-written files.
 *
 * <p>Labels are kept as written ({@code "-1"}, {@code "1"}, {@code "pump"}). The archive pads shorter
 * series with trailing {@code NaN}; the padding is removed, so series may differ in length. A
 * {@code NaN} followed by a real value is a genuinely missing value and is rejected, as are infinite
 * values. Blank lines are skipped.
 */
public final class UcrTsvReader {

  // A run of tabs counts as one separator; some copies of the archive have doubled tabs.
  private static final Pattern TABS = Pattern.compile("\t+");
  private static final Pattern WHITESPACE = Pattern.compile("\\s+");

  private UcrTsvReader() {}

  /** Reads {@code file}, naming the dataset after the file (see {@link DatasetReaders#datasetName}). */
  public static Dataset read(Path file) throws IOException {
    return read(file, DatasetReaders.datasetName(file), Gaps.Policy.REFUSE);
  }

  /** Reads {@code file} into a dataset called {@code name}, gaps inside series as {@code gaps} says. */
  public static Dataset read(Path file, String name, Gaps.Policy gaps) throws IOException {
    List<Series> series = new ArrayList<>();
    Lines.forEach(file, (line, lineNumber) -> {
      String trimmed = line.stripTrailing();
      if (!trimmed.isEmpty()) {
        series.add(parseLine(trimmed, gaps, file, lineNumber));
      }
    });
    if (series.isEmpty()) {
      throw new DatasetFormatException(file, 0, "no series in file");
    }
    return new Dataset(name, series);
  }

  private static Series parseLine(String line, Gaps.Policy gaps, Path file, long lineNumber)
      throws DatasetFormatException {
    // Leading tabs are kept so that a missing label shows up as an empty first field.
    String[] fields = line.indexOf('\t') >= 0 ? TABS.split(line) : WHITESPACE.split(line.strip());
    String label = fields[0].strip();
    if (label.isEmpty()) {
      throw new DatasetFormatException(file, lineNumber, "empty class label");
    }
    if (fields.length == 1) {
      throw new DatasetFormatException(file, lineNumber, "label '" + label + "' but no values");
    }
    double[] raw = new double[fields.length - 1];
    for (int step = 0; step < raw.length; step++) {
      String token = fields[step + 1].strip();
      if (token.equalsIgnoreCase("NaN")) {
        raw[step] = Double.NaN;
        continue;
      }
      try {
        raw[step] = Lines.parseFinite(token);
      } catch (NumberFormatException e) {
        throw new DatasetFormatException(
            file, lineNumber, "bad number '" + token + "' at step " + step);
      }
    }
    return new Series(label, Lines.stripPadding(raw, "NaN", gaps, file, lineNumber));
  }
}
