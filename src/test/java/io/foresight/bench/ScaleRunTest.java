package io.foresight.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.foresight.ingest.WindowingTopology;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.rocksdb.FlushOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

/** The two measures of bench scale that are not a counter read from the service. */
class ScaleRunTest {

  @Test
  void theStateMeasureCountsEveryKeyAndItsBytesOnceHoweverOftenItWasOverwritten() throws Exception {
    Path app = Files.createTempDirectory("scale-run-test");
    // the layout Kafka Streams gives a task's store: <app state>/<task>/rocksdb/<store>
    for (String task : List.of("0_0", "0_1")) {
      Path store = Files.createDirectories(app.resolve(task).resolve("rocksdb").resolve(WindowingTopology.STORE));
      RocksDB.loadLibrary();
      try (Options options = new Options().setCreateIfMissing(true);
          RocksDB db = RocksDB.open(options, store.toString())) {
        for (int version = 0; version < 5; version++) { // overwrites leave older versions in the files
          for (int e = 0; e < 100; e++) {
            db.put(("dev-" + e).getBytes(StandardCharsets.UTF_8), new byte[600 + version]);
          }
          db.flush(new FlushOptions().setWaitForFlush(true));
        }
      }
    }

    ScaleRun.State state = ScaleRun.inspect(app);
    long keyBytes = 10 * 5 + 90 * 6; // dev-0..dev-9, dev-10..dev-99
    assertThat(state.keys()).isEqualTo(200);
    assertThat(state.logicalBytes()).isEqualTo(2 * (keyBytes + 100 * 604));
    // compacted: about one version of each value left, not five
    assertThat(state.sstBytes()).isLessThan(2 * 2 * (keyBytes + 100 * 604));
  }

  @Test
  void ratesAreTakenBetweenTheSamplesWhereTheStepsFirstReachEachBound() {
    List<ScaleRun.Sample> samples = List.of(
        new ScaleRun.Sample(0, 0, 0), new ScaleRun.Sample(1, 100, 1), new ScaleRun.Sample(2, 300, 3),
        new ScaleRun.Sample(4, 700, 7), new ScaleRun.Sample(5, 1000, 10));
    assertThat(ScaleRun.rate(samples, 100, 700, false)).isCloseTo(200, within(1e-9));
    assertThat(ScaleRun.rate(samples, 100, 700, true)).isCloseTo(2, within(1e-9));
    assertThat(ScaleRun.rate(samples, 100, 5000, false)).isNaN(); // never reached
  }
}
