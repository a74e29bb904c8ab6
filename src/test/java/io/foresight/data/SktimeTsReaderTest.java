package io.foresight.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SktimeTsReaderTest {

  private static final String HEADER = """
      # A comment before the header.
      @problemName Toy
      @timeStamps false
      @univariate true
      @equalLength false
      @classLabel true a b c
      @data
      """;

  @TempDir
  Path dir;

  private Path write(String content) throws IOException {
    return Files.writeString(dir.resolve("Toy_TEST.ts"), content, StandardCharsets.UTF_8);
  }

  @Test
  void variableLengthSeriesLoseTheirQuestionMarkPadding() throws IOException {
    Dataset d = SktimeTsReader.read(write(HEADER + """
        1.0,2.0,3.0:a
        4.5,?,?:b
        # a comment between series
        -1,0.25:c
        """));
    assertThat(d.name()).isEqualTo("Toy");
    assertThat(d.series()).containsExactly(
        new Series("a", new double[] {1.0, 2.0, 3.0}),
        new Series("b", new double[] {4.5}),
        new Series("c", new double[] {-1.0, 0.25}));
    assertThat(d.classNames()).containsExactly("a", "b", "c");
  }

  @Test
  void headerKeysAreCaseInsensitiveAndUnlabelledFilesHaveNoLabels() throws IOException {
    Dataset d = SktimeTsReader.read(write("""
        @PROBLEMNAME Toy
        @ClassLabel false
        @DATA
        1,2,3
        4,5
        """));
    assertThat(d.isLabelled()).isFalse();
    assertThat(d.series()).extracting(Series::length).containsExactly(3, 2);
  }

  @Test
  void innerQuestionMarkIsRejected() throws IOException {
    Path file = write(HEADER + "1.0,?,3.0:a\n");
    assertThatThrownBy(() -> SktimeTsReader.read(file))
        .isInstanceOf(DatasetFormatException.class)
        .hasMessage(
            file + ":8: missing value (?) inside the series at step 1 (--missing keep reads gaps)");
  }

  @Test
  void labelNotDeclaredInTheHeaderIsRejected() throws IOException {
    Path file = write(HEADER + "1.0,2.0:a\n1.0,2.0:z\n");
    assertThatThrownBy(() -> SktimeTsReader.read(file))
        .isInstanceOf(DatasetFormatException.class)
        .hasMessageContaining(":9:")
        .hasMessageContaining("'z'")
        .hasMessageContaining("not declared");
  }

  @Test
  void multivariateHeaderIsRejected() throws IOException {
    Path file = write("@problemName Toy\n@univariate false\n@classLabel true a\n@data\n1,2:3,4:a\n");
    assertThatThrownBy(() -> SktimeTsReader.read(file))
        .isInstanceOf(DatasetFormatException.class)
        .hasMessageContaining(":2:")
        .hasMessageContaining("univariate");
  }

  @Test
  void severalValueBlocksAreRejectedAsMultivariate() throws IOException {
    Path file = write(HEADER + "1,2:3,4:a\n");
    assertThatThrownBy(() -> SktimeTsReader.read(file))
        .isInstanceOf(DatasetFormatException.class)
        .hasMessageContaining(":8:")
        .hasMessageContaining("more than one dimension");
  }

  @Test
  void timeStampsAreRejectedAsUnsupported() throws IOException {
    Path file = write("@timeStamps true\n@data\n(0,1),(1,2)\n");
    assertThatThrownBy(() -> SktimeTsReader.read(file))
        .isInstanceOf(DatasetFormatException.class)
        .hasMessageContaining(":1:")
        .hasMessageContaining("not supported");
  }

  @Test
  void missingDataLineIsRejected() throws IOException {
    Path file = write("@problemName Toy\n@classLabel true a\n");
    assertThatThrownBy(() -> SktimeTsReader.read(file))
        .isInstanceOf(DatasetFormatException.class)
        .hasMessageContaining("@data");
  }

  @Test
  void badNumberNamesLineTokenAndStep() throws IOException {
    Path file = write(HEADER + "1.0,2.0:a\n1.0,x1,3:b\n");
    assertThatThrownBy(() -> SktimeTsReader.read(file))
        .isInstanceOf(DatasetFormatException.class)
        .hasMessage(file + ":9: bad number 'x1' at step 1");
  }

  @Test
  void headerWithoutSeriesIsRejected() throws IOException {
    Path file = write(HEADER);
    assertThatThrownBy(() -> SktimeTsReader.read(file))
        .isInstanceOf(DatasetFormatException.class)
        .hasMessageContaining("no series in file");
  }
}
