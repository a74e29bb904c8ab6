package io.foresight.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Building a net from checkpoint sections that cannot be trusted. */
@ExtendWith(SingleCpuThread.class)
class ForesightNetTest {

  private static final ModelConfig CONFIG = new ModelConfig(Encoder.CAUSAL_CNN, 8, 2, 3, 16, 2);
  private static final Tokenizer TOKENIZER = Tokenizer.integer(41);

  @ParameterizedTest
  @EnumSource(Encoder.class)
  void parameterCountsFromTheSizesAloneAreWhatDjlAllocates(Encoder encoder) {
    for (ModelConfig config :
        List.of(new ModelConfig(encoder, 8, 2, 3, 16, 0), new ModelConfig(encoder, 5, 3, 4, 7, 3))) {
      try (ForesightNet net = ForesightNet.create(config, TOKENIZER)) {
        Map<String, Long> allocated = new LinkedHashMap<>();
        for (String part : net.saveSections().keySet()) {
          long count = 0;
          for (Pair<String, Parameter> parameter : net.part(part).getParameters()) {
            count += parameter.getValue().getArray().size();
          }
          allocated.put(part, count);
        }
        assertThat(ForesightNet.parameterCounts(config, TOKENIZER)).as("%s", config).isEqualTo(allocated);
      }
    }
  }

  @Test
  void everyPartNeedsItsSectionOrTheNetWouldServeRandomWeights() throws MalformedModelException {
    try (ForesightNet net = ForesightNet.create(CONFIG, TOKENIZER)) {
      Map<String, byte[]> sections = net.saveSections();
      for (String part : sections.keySet()) {
        Map<String, byte[]> without = new LinkedHashMap<>(sections);
        without.remove(part);
        assertThatThrownBy(() -> ForesightNet.fromSections(CONFIG, TOKENIZER, without))
            .isInstanceOf(MalformedModelException.class)
            .hasMessageContaining("no '" + part + "' part");
      }
      assertThatThrownBy(() -> ForesightNet.fromSections(CONFIG, TOKENIZER, Map.of()))
          .isInstanceOf(MalformedModelException.class)
          .hasMessageContaining("no 'encoder' part");
      ForesightNet.fromSections(CONFIG, TOKENIZER, sections).close();
    }
  }

  @Test
  void sectionsTooShortForTheArchitectureAreRefusedBeforeItIsAllocated() {
    // 34 M parameters, 134 MB, that the small net's sections cannot hold.
    ModelConfig large = new ModelConfig(Encoder.CAUSAL_CNN, 512, 4, 16, 16, 2);
    try (ForesightNet small = ForesightNet.create(CONFIG, TOKENIZER)) {
      Map<String, byte[]> sections = small.saveSections();
      int before = liveArrays();
      assertThatThrownBy(() -> ForesightNet.fromSections(large, TOKENIZER, sections))
          .isInstanceOf(MalformedModelException.class)
          .hasMessageContaining("'encoder' has " + sections.get(ForesightNet.ENCODER).length + " bytes,"
              + " fewer than the");
      assertThat(liveArrays()).isEqualTo(before);
    }
  }

  @Test
  void sectionBytesDjlWouldMisreadNeverReachItAndTheFailedNetIsClosed() {
    try (ForesightNet net = ForesightNet.create(CONFIG, TOKENIZER)) {
      Map<String, byte[]> sections = net.saveSections();
      byte[] encoder = sections.get(ForesightNet.ENCODER);
      int before = liveArrays();

      // The first parameter's shape claims 2^31 - 1 dimensions: DJL allocates that many longs before
      // reading them (an OutOfMemoryError). In DJL's array encoding the count of dimensions follows
      // the name of the data type.
      byte[] hostile = encoder.clone();
      int dimensions = indexOf(hostile, "FLOAT32") + "FLOAT32".length();
      assertThat(ByteBuffer.wrap(hostile).getInt(dimensions)).as("a weight matrix").isEqualTo(2);
      ByteBuffer.wrap(hostile).putInt(dimensions, Integer.MAX_VALUE);
      assertRefused(sections, hostile, "differ from the architecture's");

      // Same length, a parameter renamed.
      byte[] renamed = encoder.clone();
      int name = indexOf(renamed, "weight");
      renamed[name] = 'W';
      assertRefused(sections, renamed, "differ from the architecture's");

      byte[] longer = java.util.Arrays.copyOf(encoder, encoder.length + 8);
      assertRefused(sections, longer, (encoder.length + 8) + " bytes where the architecture's parameters take");

      assertThat(liveArrays()).as("arrays left by the nets that failed to load").isEqualTo(before);
    }
  }

  private static void assertRefused(Map<String, byte[]> sections, byte[] encoder, String message) {
    Map<String, byte[]> forged = new LinkedHashMap<>(sections);
    forged.put(ForesightNet.ENCODER, encoder);
    assertThatThrownBy(() -> ForesightNet.fromSections(CONFIG, TOKENIZER, forged))
        .isInstanceOf(MalformedModelException.class)
        .hasMessageContaining("checkpoint part 'encoder' does not fit the model")
        .hasMessageContaining(message);
  }

  /** Arrays alive under DJL's system manager: in every model of this JVM, leaked ones included. */
  private static int liveArrays() {
    try (NDManager probe = NDManager.newBaseManager()) {
      return probe.getParentManager().getManagedArrays().size();
    }
  }

  private static int indexOf(byte[] bytes, String ascii) {
    byte[] wanted = ascii.getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i + wanted.length <= bytes.length; i++) {
      if (java.util.Arrays.equals(bytes, i, i + wanted.length, wanted, 0, wanted.length)) {
        return i;
      }
    }
    throw new AssertionError(ascii + " not found");
  }
}
