package io.foresight.score;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ModelHolderTest {

  @Test
  void everyRejectionReasonIsRegisteredAtZeroAndDocumented() throws IOException {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (ModelHolder holder = new ModelHolder(registry)) {
      Set<String> registered =
          registry.find("foresight.scorer.checkpoints.rejected").counters().stream()
              .peek(c -> assertThat(c.count()).isZero())
              .map(c -> c.getId().getTag("reason"))
              .collect(Collectors.toSet());
      // Written out, not read from ModelHolder.REASONS: a reason dropped there must fail here.
      assertThat(registered).containsExactlyInAnyOrder("checksum", "format", "layout", "header", "version",
          "sections", "classifier", "architecture", "non-finite", "stale");

      // The class Javadoc lists the reasons as "<li>{@code reason}: ..."; dashboards are built from it.
      String source = Files.readString(Path.of("src/main/java/io/foresight/score/ModelHolder.java"));
      Matcher item = Pattern.compile("<li>\\{@code ([a-z-]+)}:").matcher(source);
      Set<String> documented = new java.util.HashSet<>();
      while (item.find()) {
        documented.add(item.group(1));
      }
      assertThat(documented).isEqualTo(registered);
      assertThat(registered).contains("checksum", "header", "version", "sections", "classifier", "stale");
    }
  }

  @Test
  void garbageIsRejectedAsNotACheckpointWithoutAModel() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (ModelHolder holder = new ModelHolder(registry)) {
      assertThat(holder.offer(new byte[] {'F', 'S', 'C', 'K', 0, 2})).isFalse();
      Counter checksum = registry.find("foresight.scorer.checkpoints.rejected").tag("reason", "checksum").counter();
      assertThat(checksum.count()).isEqualTo(1);
      assertThat(holder.hasModel()).isFalse();
    }
  }
}
