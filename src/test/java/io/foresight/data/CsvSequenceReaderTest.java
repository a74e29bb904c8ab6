package io.foresight.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvSequenceReaderTest {

  @TempDir
  Path dir;

  private Path write(String content) throws IOException {
    return Files.writeString(dir.resolve("events.csv"), content, StandardCharsets.UTF_8);
  }

  @Test
  void withoutHeaderRowsAreUnlabelledAndMayBeRagged() throws IOException {
    Dataset d = CsvSequenceReader.read(write("3,1,4,1,5\n9,2\n6,5,3,,\n"));
    assertThat(d.name()).isEqualTo("events");
    assertThat(d.isLabelled()).isFalse();
    assertThat(d.series()).containsExactly(
        new Series(null, new double[] {3, 1, 4, 1, 5}),
        new Series(null, new double[] {9, 2}),
        new Series(null, new double[] {6, 5, 3}));
    assertThat(d.isIntegerValued()).isTrue();
  }

  @Test
  void labelHeaderMakesTheFirstFieldTheLabel() throws IOException {
    Dataset d = CsvSequenceReader.read(write("Label,t0,t1,t2\nnormal,1,2,3\nfault,-7,8,\n"));
    assertThat(d.series()).containsExactly(
        new Series("normal", new double[] {1, 2, 3}), new Series("fault", new double[] {-7, 8}));
    assertThat(d.classNames()).containsExactly("fault", "normal");
  }

  @Test
  void nonIntegerValueIsRejectedWithLineAndColumn() throws IOException {
    Path file = write("label,t0,t1\na,1,2\nb,3,4.5\n");
    assertThatThrownBy(() -> CsvSequenceReader.read(file))
        .isInstanceOf(DatasetFormatException.class)
        .hasMessage(file + ":3: not an integer: '4.5' in column 3");
  }

  @Test
  void emptyInnerFieldIsRejected() throws IOException {
    Path file = write("1,,3\n");
    assertThatThrownBy(() -> CsvSequenceReader.read(file))
        .isInstanceOf(DatasetFormatException.class)
        .hasMessage(file + ":1: missing value in column 2");
  }

  @Test
  void emptyFileIsRejected() throws IOException {
    Path file = write("");
    assertThatThrownBy(() -> CsvSequenceReader.read(file))
        .isInstanceOf(DatasetFormatException.class)
        .hasMessage(file + ":0: no series in file");
  }

  @Test
  void headerWithoutRowsIsRejected() throws IOException {
    Path file = write("label,t0\n");
    assertThatThrownBy(() -> CsvSequenceReader.read(file))
        .isInstanceOf(DatasetFormatException.class)
        .hasMessageContaining("no series in file");
  }
}
