package io.foresight.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.foresight.model.Tokenizer;
import io.foresight.wire.Window;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** However a producer cuts an entity's steps into chunks, ingest cuts the same windows. */
class ChunkingPropertyTest {

  private static final long INTERVAL = 10;

  @Property(tries = 60)
  void chunksGiveTheSameWindowsAsTheSameStepsSentSingly(
      @ForAll("specs") WindowSpec spec, @ForAll("steps") List<Integer> values, @ForAll("cuts") List<Integer> cuts)
      throws IOException {
    List<Window> singly = run(spec, values, List.of(1));
    List<Window> chunked = run(spec, values, cuts);
    assertThat(chunked).isEqualTo(singly);
    // Independent of chunking, the windows are right: sliding window k holds steps k*hop ..
    if (spec.mode() == WindowSpec.Mode.SLIDING) {
      int expected = values.size() < spec.length() ? 0 : (values.size() - spec.length()) / spec.hop() + 1;
      assertThat(singly).hasSize(expected);
      for (Window w : singly) {
        int first = (int) w.sequence() * spec.hop();
        assertThat(w.startTs()).isEqualTo(first * INTERVAL);
        assertThat(w.endTs()).isEqualTo((first + spec.length() - 1) * INTERVAL);
        for (int i = 0; i < w.length(); i++) {
          assertThat(w.values()[i]).isEqualTo((float) values.get(first + i));
        }
      }
    } else {
      // Sequences: every step exactly once, in order, none longer than maxLength.
      List<Float> all = new ArrayList<>();
      for (Window w : singly) {
        assertThat(w.length()).isBetween(1, spec.maxLength());
        for (float v : w.values()) {
          all.add(v);
        }
      }
      assertThat(all).containsExactlyElementsOf(values.stream().map(Integer::floatValue).toList());
    }
  }

  /** Sends the steps in chunks of the given sizes (cycled), then an end marker; returns the windows. */
  private static List<Window> run(WindowSpec spec, List<Integer> values, List<Integer> cuts) throws IOException {
    Path dir = Files.createTempDirectory("ingest-property");
    try (IngestDriver in = new IngestDriver(spec, Tokenizer.integer(41), new SimpleMeterRegistry(), dir)) {
      int i = 0;
      int c = 0;
      while (i < values.size()) {
        int n = Math.min(cuts.get(c++ % cuts.size()), values.size() - i);
        double[] chunk = new double[n];
        for (int k = 0; k < n; k++) {
          chunk[k] = values.get(i + k);
        }
        in.send("e", IngestDriver.chunk(i * INTERVAL, INTERVAL, chunk), i);
        i += n;
      }
      in.send("e", IngestDriver.end(Math.max(0, values.size() - 1) * INTERVAL), values.size());
      return in.windows();
    } finally {
      try (Stream<Path> paths = Files.walk(dir)) {
        paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Provide
  Arbitrary<WindowSpec> specs() {
    Arbitrary<WindowSpec> sliding = Combinators.combine(
            Arbitraries.integers().between(2, 12), Arbitraries.integers().between(1, 15))
        .as(WindowSpec::sliding);
    Arbitrary<WindowSpec> sequence = Arbitraries.integers().between(2, 12)
        .map(max -> WindowSpec.sequence(60_000, max));
    return Arbitraries.oneOf(sliding, sequence).map(s -> s.withMaxChunk(64));
  }

  @Provide
  Arbitrary<List<Integer>> steps() {
    return Arbitraries.integers().between(0, 40).list().ofMinSize(0).ofMaxSize(60);
  }

  @Provide
  Arbitrary<List<Integer>> cuts() {
    return Arbitraries.integers().between(1, 25).list().ofMinSize(1).ofMaxSize(8);
  }
}
