package io.foresight.cli;

import io.foresight.data.DatasetReplay;
import io.foresight.data.SimulatedFleet;
import io.foresight.data.StreamProducer;
import io.foresight.data.TimestepSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import picocli.CommandLine.Option;

/** What {@code produce} and {@code demo} stream: a simulated fleet, or a dataset replayed. */
final class SourceOptions {

  @Option(names = "--dataset", paramLabel = "DIR",
      description = "Replay a dataset folder holding NAME_TRAIN and NAME_TEST files (.tsv, .ts, .csv):"
          + " each series one device, TRAIN labels sent, TEST devices held out. Without it: the fleet.")
  Path dataset;

  @Option(names = "--repeat", defaultValue = "1000",
      description = "Dataset passes at most, each with fresh device ids (default: ${DEFAULT-VALUE}).")
  int repeat;

  @Option(names = "--devices", defaultValue = "100",
      description = "Simulated devices (default: ${DEFAULT-VALUE}).")
  int devices;

  @Option(names = "--classes", defaultValue = "3",
      description = "Hidden device classes of the fleet, 1 to 4 (default: ${DEFAULT-VALUE}).")
  int classes;

  @Option(names = "--label-fraction", defaultValue = "0.2",
      description = "Share of fleet devices whose class is sent as a label (default: ${DEFAULT-VALUE}).")
  double labelFraction;

  @Option(names = "--fleet-seed", defaultValue = "42",
      description = "Seed of the simulated fleet (default: ${DEFAULT-VALUE}).")
  long fleetSeed;

  @Option(names = "--rate", defaultValue = "5000",
      description = "Timesteps per second; 0 for as fast as possible (default: ${DEFAULT-VALUE}).")
  double rate;

  @Option(names = "--chunk", defaultValue = "8",
      description = "Steps per record; 1 sends single steps (default: ${DEFAULT-VALUE}).")
  int chunk;

  @Option(names = "--interval-ms", defaultValue = "10",
      description = "Event-time spacing of a device's steps (default: ${DEFAULT-VALUE}).")
  long intervalMs;

  @Option(names = "--lockstep",
      description = "Fleet: start every device in the same round, so sliding windows complete in bursts of the"
          + " fleet's size (default: devices come online spread over one hop of steps).")
  boolean lockstep;

  StreamProducer.Options producerOptions(Duration duration) {
    StreamProducer.Options options =
        StreamProducer.Options.defaults().withRate(rate).withChunkSize(chunk).withIntervalMs(intervalMs);
    return duration == null ? options : options.withMaxDuration(duration);
  }

  boolean isReplay() {
    return dataset != null;
  }

  SimulatedFleet fleet() {
    return new SimulatedFleet(devices, classes, fleetSeed);
  }

  /** The fleet as a source, its devices coming online spread over {@code spreadSteps} of their steps. */
  TimestepSource fleetSource(int spreadSteps) {
    return fleet().asSource(labelFraction, lockstep ? 0 : Math.max(1, spreadSteps / chunk));
  }

  DatasetReplay replay() throws IOException {
    return DatasetReplay.read(split(dataset, "_TRAIN"), split(dataset, "_TEST"), repeat);
  }

  /** The file of a split in a dataset folder: NAME_TRAIN.tsv and the like. */
  static Path split(Path dir, String suffix) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> matches =
          files.filter(f -> f.getFileName().toString().contains(suffix + ".")).sorted().toList();
      if (matches.isEmpty()) {
        throw new IllegalArgumentException("no *" + suffix + ".tsv/.ts/.csv file in " + dir);
      }
      return matches.get(0);
    }
  }
}
