package io.foresight.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UcrTsvReaderTest {

  @TempDir
  Path dir;

  private Path write(String content) throws IOException {
    return Files.writeString(dir.resolve("Toy_TRAIN.tsv"), content, StandardCharsets.UTF_8);
  }

  @Test
  void trailingNaNPaddingGivesShorterSeries() throws IOException {
    Dataset d = UcrTsvReader.read(write("1\t0.5\t1.5\t2.5\n2\t3.0\tNaN\tNaN\n"));
    assertThat(d.series()).containsExactly(
        new Series("1", new double[] {0.5, 1.5, 2.5}), new Series("2", new double[] {3.0}));
    assertThat(d.minLength()).isEqualTo(1);
    assertThat(d.maxLength()).isEqualTo(3);
  }

  @Test
  void stringLabelsAreKeptAsWritten() throws IOException {
    Dataset d = UcrTsvReader.read(write("pump\t1\t2\n-1\t3\t4\nvalve station\t5\t6\n"));
    assertThat(d.series()).extracting(Series::label).containsExactly("pump", "-1", "valve station");
  }

  @Test
  void whitespaceSeparatedLinesParseWhenTheyHaveNoTabs() throws IOException {
    Dataset d = UcrTsvReader.read(write("1  0.5 1.5\n2\t\t2.5\t3.5\n"));
    assertThat(d.series()).containsExactly(
        new Series("1", new double[] {0.5, 1.5}), new Series("2", new double[] {2.5, 3.5}));
  }

  @Test
  void blankLinesAndWindowsLineEndingsAreTolerated() throws IOException {
    Dataset d = UcrTsvReader.read(write("\n1\t1e-3\t-2\r\n\n2\t4\t5\r\n"));
    assertThat(d.size()).isEqualTo(2);
    assertThat(d.series().get(0).values()).containsExactly(1e-3, -2.0);
  }

  @Test
  void badNumberNamesFileLineTokenAndStep() throws IOException {
    Path file = write("1\t0.5\t1.5\n2\t3.0\tabc\t4.0\n");
    DatasetFormatException e = catchThrowableOfType(DatasetFormatException.class, () -> UcrTsvReader.read(file));
    assertThat(e.file()).isEqualTo(file);
    assertThat(e.line()).isEqualTo(2);
    assertThat(e.reason()).contains("'abc'").contains("step 1");
    assertThat(e.getMessage()).startsWith(file + ":2: ");
  }

  @Test
  void innerNaNIsRejected() throws IOException {
    Path file = write("1\t0.5\tNaN\t1.5\n");
    assertThatThrownBy(() -> UcrTsvReader.read(file))
        .isInstanceOf(DatasetFormatException.class)
        .hasMessage(
            file + ":1: missing value (NaN) inside the series at step 1 (--missing keep reads gaps)");
  }

  @Test
  void innerNaNIsKeptAsAGapWhenAskedAndTrailingNaNIsStillPadding() throws IOException {
    Path file = write("1\t0.5\tNaN\t1.5\tNaN\n");
    Dataset d = UcrTsvReader.read(file, "Toy", Gaps.Policy.KEEP);
    assertThat(d.series().get(0).values()).containsExactly(0.5, Double.NaN, 1.5);
  }

  @Test
  void infinityIsRejected() throws IOException {
    Path file = write("1\t0.5\tInfinity\n");
    assertThatThrownBy(() -> UcrTsvReader.read(file))
        .isInstanceOf(DatasetFormatException.class)
        .hasMessageContaining(":1:")
        .hasMessageContaining("'Infinity'");
  }

  @Test
  void labelWithoutValuesIsRejected() throws IOException {
    Path file = write("1\t0.5\n2\n");
    assertThatThrownBy(() -> UcrTsvReader.read(file))
        .isInstanceOf(DatasetFormatException.class)
        .hasMessageContaining(":2:")
        .hasMessageContaining("no values");
  }

  @Test
  void seriesOfOnlyPaddingIsRejected() throws IOException {
    Path file = write("1\tNaN\tNaN\n");
    assertThatThrownBy(() -> UcrTsvReader.read(file))
        .isInstanceOf(DatasetFormatException.class)
        .hasMessageContaining(":1:");
  }

  @Test
  void emptyFileIsRejected() throws IOException {
    Path file = write("\n\n");
    DatasetFormatException e = catchThrowableOfType(DatasetFormatException.class, () -> UcrTsvReader.read(file));
    assertThat(e.line()).isZero();
    assertThat(e.reason()).isEqualTo("no series in file");
  }

  @Test
  void datasetIsNamedAfterTheFileWithoutSplitSuffix() throws IOException {
    assertThat(UcrTsvReader.read(write("1\t2\n")).name()).isEqualTo("Toy");
  }
}
