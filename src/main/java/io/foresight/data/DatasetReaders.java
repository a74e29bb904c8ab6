package io.foresight.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Entry point for reading a dataset file; picks the reader from the file extension:
 * {@code .tsv} (UCR archive, {@link UcrTsvReader}), {@code .ts} (sktime, {@link SktimeTsReader}) or
 * {@code .csv} (integer sequences, {@link CsvSequenceReader}).
 */
public final class DatasetReaders {

  private DatasetReaders() {}

  /**
   * Reads {@code file} with the reader its extension calls for; the dataset is named by
   * {@link #datasetName(Path)}.
   *
   * @throws IllegalArgumentException if the extension is not one of the supported ones
   * @throws DatasetFormatException if the file is malformed
   */
  public static Dataset read(Path file) throws IOException {
    return read(file, Gaps.Policy.REFUSE);
  }

  /**
   * Reads {@code file}, gaps inside series as {@code gaps} says; CSV files have no way to write a gap
   * and always refuse an empty field.
   */
  public static Dataset read(Path file, Gaps.Policy gaps) throws IOException {
    String fileName = fileName(file);
    int dot = fileName.lastIndexOf('.');
    String extension = dot < 0 ? "" : fileName.substring(dot + 1).toLowerCase(Locale.ROOT);
    return switch (extension) {
      case "tsv" -> UcrTsvReader.read(file, datasetName(file), gaps);
      case "ts" -> SktimeTsReader.read(file, datasetName(file), gaps);
      case "csv" -> CsvSequenceReader.read(file);
      default -> throw new IllegalArgumentException("unsupported dataset file " + file
          + ": expected .tsv (UCR archive), .ts (sktime) or .csv (integer sequences)");
    };
  }

  /**
   * The dataset name for a file: its name without the extension and without a trailing
   * {@code _TRAIN} or {@code _TEST}, so both halves of a UCR split share a name
   * ({@code GunPoint_TRAIN.tsv} gives {@code GunPoint}).
   */
  public static String datasetName(Path file) {
    String name = fileName(file);
    int dot = name.lastIndexOf('.');
    if (dot > 0) {
      name = name.substring(0, dot);
    }
    for (String suffix : new String[] {"_TRAIN", "_TEST"}) {
      if (name.length() > suffix.length() && name.toUpperCase(Locale.ROOT).endsWith(suffix)) {
        return name.substring(0, name.length() - suffix.length());
      }
    }
    return name;
  }

  private static String fileName(Path file) {
    Path fileName = file.getFileName();
    if (fileName == null) {
      throw new IllegalArgumentException("not a file path: " + file);
    }
    return fileName.toString();
  }
}
