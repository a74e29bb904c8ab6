/**
 * Dataset readers and the in-memory dataset types: {@link io.foresight.data.DatasetReaders} reads UCR
 * archive {@code .tsv} files, sktime {@code .ts} files and CSV files of integer sequences into a
 * {@link io.foresight.data.Dataset}, a named list of {@link io.foresight.data.Series} (an optional
 * class label and the series' real values, with any trailing padding removed). Readers stream their
 * input line by line and report malformed input as a
 * {@link io.foresight.data.DatasetFormatException} naming the file and the 1-based line; step
 * indices in messages are 0-based positions in the series, columns are 1-based CSV field numbers.
 */
package io.foresight.data;
