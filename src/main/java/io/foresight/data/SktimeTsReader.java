package io.foresight.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a univariate sktime {@code .ts} file.
 *
 * <p>The header is a series of {@code @key value} lines ({@code @problemName}, {@code @timeStamps},
 * {@code @univariate}, {@code @equalLength}, {@code @classLabel true a b c}, ...) ended by
 * {@code @data}; lines starting with {@code #} are comments. Each data line is
 * {@code v1,v2,...,vn:label}, or just the values when {@code @classLabel false}. A value {@code ?}
 * is missing: trailing ones are padding and removed, inner ones are rejected. When
 * {@code @classLabel true} lists labels, every data label must be one of them.
 *
 * <p>Multivariate series ({@code @univariate false}, or several {@code :}-separated value blocks)
 * and time-stamped series ({@code @timeStamps true}) are not supported and rejected.
 */
public final class SktimeTsReader {

  private static final Pattern WHITESPACE = Pattern.compile("\\s+");

  private SktimeTsReader() {}

  /** Reads {@code file}, naming the dataset after the file (see {@link DatasetReaders#datasetName}). */
  public static Dataset read(Path file) throws IOException {
    return read(file, DatasetReaders.datasetName(file), Gaps.Policy.REFUSE);
  }

  /** Reads {@code file} into a dataset called {@code name}, gaps inside series as {@code gaps} says. */
  public static Dataset read(Path file, String name, Gaps.Policy gaps) throws IOException {
    Parser parser = new Parser(file, gaps);
    long lines = Lines.forEach(file, parser::accept);
    if (!parser.inData) {
      throw new DatasetFormatException(file, lines, "no @data line: the header must end with @data");
    }
    if (parser.series.isEmpty()) {
      throw new DatasetFormatException(file, 0, "no series in file");
    }
    return new Dataset(name, parser.series);
  }

  /** Parsing state: the header seen so far, then the series. */
  private static final class Parser {
    final Path file;
    final Gaps.Policy gaps;
    final List<Series> series = new ArrayList<>();
    boolean inData;
    boolean hasClassLabel;
    final Set<String> declaredLabels = new LinkedHashSet<>();

    Parser(Path file, Gaps.Policy gaps) {
      this.file = file;
      this.gaps = gaps;
    }

    void accept(String line, long lineNumber) throws DatasetFormatException {
      String s = line.strip();
      if (s.isEmpty() || s.startsWith("#")) {
        return;
      }
      if (inData) {
        series.add(parseData(s, lineNumber));
      } else if (s.startsWith("@")) {
        parseHeader(WHITESPACE.split(s), lineNumber);
      } else {
        throw error(lineNumber, "data before @data");
      }
    }

    private void parseHeader(String[] words, long lineNumber) throws DatasetFormatException {
      // sktime itself compares header keys case-insensitively.
      switch (words[0].toLowerCase(Locale.ROOT)) {
        case "@data" -> inData = true;
        case "@timestamps" -> {
          if (flag(words, lineNumber)) {
            throw error(lineNumber, "time-stamped series (@timeStamps true) are not supported");
          }
        }
        case "@univariate" -> {
          if (!flag(words, lineNumber)) {
            throw error(lineNumber,
                "multivariate series (@univariate false) are not supported; only univariate");
          }
        }
        case "@dimensions" -> {
          if (words.length < 2 || !words[1].equals("1")) {
            throw error(lineNumber, "@dimensions must be 1: only univariate series are supported");
          }
        }
        case "@targetlabel" -> {
          if (flag(words, lineNumber)) {
            throw error(lineNumber, "regression targets (@targetLabel true) are not supported");
          }
        }
        case "@classlabel" -> {
          hasClassLabel = flag(words, lineNumber);
          if (hasClassLabel) {
            declaredLabels.addAll(List.of(words).subList(2, words.length));
          }
        }
        case "@equallength", "@missing" -> flag(words, lineNumber); // padding handling covers both
        default -> {
          // @problemName, @seriesLength and future keys carry nothing the reader needs.
        }
      }
    }

    private boolean flag(String[] words, long lineNumber) throws DatasetFormatException {
      String value = words.length < 2 ? "" : words[1].toLowerCase(Locale.ROOT);
      return switch (value) {
        case "true" -> true;
        case "false" -> false;
        default -> throw error(lineNumber, words[0] + " must be followed by true or false");
      };
    }

    private Series parseData(String line, long lineNumber) throws DatasetFormatException {
      String values = line;
      String label = null;
      if (hasClassLabel) {
        int colon = line.lastIndexOf(':');
        if (colon < 0) {
          throw error(lineNumber, "missing class label: expected values:label");
        }
        label = line.substring(colon + 1).strip();
        values = line.substring(0, colon);
        if (label.isEmpty()) {
          throw error(lineNumber, "empty class label");
        }
        if (!declaredLabels.isEmpty() && !declaredLabels.contains(label)) {
          throw error(lineNumber, "class label '" + label + "' is not declared in @classLabel"
              + " (declared: " + String.join(" ", declaredLabels) + ")");
        }
      }
      if (values.indexOf(':') >= 0) {
        throw error(lineNumber, "more than one dimension (':'-separated value blocks);"
            + " only univariate series are supported");
      }
      String[] tokens = values.split(",", -1);
      double[] raw = new double[tokens.length];
      for (int step = 0; step < raw.length; step++) {
        String token = tokens[step].strip();
        if (token.equals("?") || token.equalsIgnoreCase("NaN")) {
          raw[step] = Double.NaN;
          continue;
        }
        try {
          raw[step] = Lines.parseFinite(token);
        } catch (NumberFormatException e) {
          throw error(lineNumber, "bad number '" + token + "' at step " + step);
        }
      }
      return new Series(label, Lines.stripPadding(raw, "?", gaps, file, lineNumber));
    }

    private DatasetFormatException error(long lineNumber, String reason) {
      return new DatasetFormatException(file, lineNumber, reason);
    }
  }
}
