/**
 * Where data comes from, offline and live.
 *
 * <p>Offline: dataset readers and the in-memory dataset types. {@link io.foresight.data.DatasetReaders}
 * reads UCR archive {@code .tsv} files, sktime {@code .ts} files and CSV files of integer sequences
 * into a {@link io.foresight.data.Dataset}, a named list of {@link io.foresight.data.Series} (an
 * optional class label and the series' real values, with any trailing padding removed). Readers
 * stream their input line by line and report malformed input as a
 * {@link io.foresight.data.DatasetFormatException} naming the file and the 1-based line; step indices
 * in messages are 0-based positions in the series, columns are 1-based CSV field numbers.
 *
 * <p>Live: the sources the {@code produce} command and the demo send to Kafka.
 * {@link io.foresight.data.SimulatedFleet} is a seeded fleet of devices emitting counts in 0..40 whose
 * hidden classes (steady, bursty, periodic, sawtooth) differ in temporal pattern, not in mean;
 * {@link io.foresight.data.DatasetReplay} plays a dataset's TRAIN and TEST series as devices with
 * finite sequences, revealing TRAIN labels and holding TEST labels back for scoring live
 * classifications. Both are {@link io.foresight.data.TimestepSource}s, which
 * {@link io.foresight.data.StreamProducer} drives into a Kafka producer round-robin over devices, in
 * chunks, at a paced rate; {@link io.foresight.data.TimestepRecords} writes the JSON values of
 * {@code foresight.timesteps} and {@code foresight.labels} exactly as DESIGN.md specifies.
 */
package io.foresight.data;
