package io.foresight.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class WindowSpecTest {

  @Test
  void defaultsAreSliding512By128AndSequences30sUpTo30720() {
    assertThat(WindowSpec.sliding()).extracting(WindowSpec::length, WindowSpec::hop, WindowSpec::maxChunk)
        .containsExactly(512, 128, 4096);
    assertThat(WindowSpec.sequence()).extracting(WindowSpec::gapMs, WindowSpec::maxLength)
        .containsExactly(30_000L, 30_720);
    assertThat(WindowSpec.sequence().punctuateIntervalMs()).isEqualTo(1000);
    assertThat(WindowSpec.sequence(600, 10).punctuateIntervalMs()).isEqualTo(300);
  }

  @Test
  void invalidSpecsAreRefusedWithTheFieldNamed() {
    assertThatThrownBy(() -> WindowSpec.sliding(1, 1)).hasMessageContaining("window length must be 2 to");
    assertThatThrownBy(() -> WindowSpec.sliding(8, 0)).hasMessageContaining("hop must be at least 1");
    assertThatThrownBy(() -> WindowSpec.sequence(0, 10)).hasMessageContaining("gap must be at least 1 ms");
    assertThatThrownBy(() -> WindowSpec.sequence(10, 1)).hasMessageContaining("max length must be 2 to");
    assertThatThrownBy(() -> WindowSpec.sliding().withMaxChunk(0)).hasMessageContaining("max chunk");
  }
}
