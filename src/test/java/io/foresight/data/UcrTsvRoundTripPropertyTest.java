package io.foresight.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class UcrTsvRoundTripPropertyTest {

  @Property(tries = 200)
  void writingNaNPaddedRaggedSeriesAndReadingBackPreservesLabelsAndValues(
      @ForAll("raggedSeries") List<Series> written) throws IOException {
    int longest = written.stream().mapToInt(Series::length).max().orElseThrow();
    StringBuilder tsv = new StringBuilder();
    for (Series s : written) {
      tsv.append(s.label());
      for (int step = 0; step < longest; step++) {
        // Double.toString round-trips exactly; shorter series are padded as the UCR archive does.
        tsv.append('\t').append(step < s.length() ? Double.toString(s.values()[step]) : "NaN");
      }
      tsv.append('\n');
    }
    // jqwik does not inject JUnit's @TempDir, so manage the file here.
    Path file = Files.createTempFile("roundtrip", ".tsv");
    try {
      Files.writeString(file, tsv, StandardCharsets.UTF_8);
      assertThat(UcrTsvReader.read(file).series()).isEqualTo(written);
    } finally {
      Files.delete(file);
    }
  }

  @Provide
  Arbitrary<List<Series>> raggedSeries() {
    Arbitrary<String> labels = Arbitraries.oneOf(
        Arbitraries.integers().between(-5, 20).map(String::valueOf),
        Arbitraries.strings().alpha().numeric().withChars('-', '_').ofMinLength(1).ofMaxLength(8));
    Arbitrary<double[]> values = Arbitraries.doubles()
        .between(-1e6, 1e6)
        .array(double[].class)
        .ofMinSize(1)
        .ofMaxSize(40);
    return Combinators.combine(labels, values).as(Series::new).list().ofMinSize(1).ofMaxSize(20);
  }
}
