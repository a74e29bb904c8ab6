package io.foresight.data;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A dataset file is malformed. The message reads {@code "<file>:<line>: <reason>"}, the form
 * editors and terminals turn into a link to the offending line.
 */
public final class DatasetFormatException extends IOException {

  private static final long serialVersionUID = 1L;

  private final transient Path file; // Path is not Serializable
  private final long line;
  private final String reason;

  /**
   * @param file the file being read
   * @param line the 1-based line number, or 0 when the problem concerns the file as a whole
   * @param reason what is wrong, for a human
   */
  public DatasetFormatException(Path file, long line, String reason) {
    super(file + ":" + line + ": " + reason);
    this.file = file;
    this.line = line;
    this.reason = reason;
  }

  /** The file being read. */
  public Path file() {
    return file;
  }

  /** The 1-based line number, or 0 when the problem concerns the whole file. */
  public long line() {
    return line;
  }

  /** What is wrong, without the file and line prefix. */
  public String reason() {
    return reason;
  }
}
