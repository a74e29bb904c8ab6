package io.foresight.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetReadersTest {

  private static final Path GUN_POINT_TRAIN = Path.of("src/test/resources/datasets/GunPoint/GunPoint_TRAIN.tsv");

  @TempDir
  Path dir;

  @Test
  void readsTheRealGunPointTrainingSplit() throws IOException {
    Dataset d = DatasetReaders.read(GUN_POINT_TRAIN);
    assertThat(d.name()).isEqualTo("GunPoint");
    assertThat(d.size()).isEqualTo(50);
    assertThat(d.minLength()).isEqualTo(150);
    assertThat(d.maxLength()).isEqualTo(150);
    assertThat(d.classNames()).containsExactly("1", "2");
    assertThat(d.isLabelled()).isTrue();
    assertThat(d.isIntegerValued()).isFalse();
    assertThat(d.series().get(0).values()[0]).isEqualTo(-0.6478854);
  }

  @Test
  void dispatchesOnTheExtension() throws IOException {
    Path tsv = Files.writeString(dir.resolve("a_TEST.tsv"), "1\t2.5\n");
    Path ts = Files.writeString(dir.resolve("b.TS"), "@classLabel false\n@data\n2.5,3\n");
    Path csv = Files.writeString(dir.resolve("c_TRAIN.csv"), "7,8,9\n");
    assertThat(DatasetReaders.read(tsv).series()).containsExactly(new Series("1", new double[] {2.5}));
    assertThat(DatasetReaders.read(ts).series()).containsExactly(new Series(null, new double[] {2.5, 3}));
    assertThat(DatasetReaders.read(csv).series()).containsExactly(new Series(null, new double[] {7, 8, 9}));
  }

  @Test
  void unknownExtensionNamesTheSupportedOnes() {
    assertThatThrownBy(() -> DatasetReaders.read(dir.resolve("data.arff")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(".tsv")
        .hasMessageContaining(".ts ")
        .hasMessageContaining(".csv");
  }

  @Test
  void datasetNameDropsExtensionAndSplitSuffix() {
    assertThat(DatasetReaders.datasetName(Path.of("x/GunPoint_TRAIN.tsv"))).isEqualTo("GunPoint");
    assertThat(DatasetReaders.datasetName(Path.of("ECG200_TEST.ts"))).isEqualTo("ECG200");
    assertThat(DatasetReaders.datasetName(Path.of("events.csv"))).isEqualTo("events");
    assertThat(DatasetReaders.datasetName(Path.of("My_Data.tsv"))).isEqualTo("My_Data");
  }
}
