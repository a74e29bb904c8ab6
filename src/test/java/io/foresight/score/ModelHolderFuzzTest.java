package io.foresight.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.foresight.classify.FittedClassifierCodec;
import io.foresight.learn.Inference;
import io.foresight.model.Encoder;
import io.foresight.model.ForesightNet;
import io.foresight.model.ModelConfig;
import io.foresight.model.SingleCpuThread;
import io.foresight.model.Tokenizer;
import io.foresight.model.Tokenizer.Tokens;
import io.foresight.wire.Checkpoint;
import io.foresight.wire.CheckpointCodec;
import io.foresight.wire.CheckpointForge;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Hundreds of forged checkpoints, each with a valid digest (what a buggy or hostile writer on {@code
 * foresight.models} could publish), offered to a holder that serves a good model: every one is
 * rejected under its reason, none throws, and the model serving keeps serving as it did.
 */
@ExtendWith(SingleCpuThread.class)
class ModelHolderFuzzTest {

  /** Tiny, so that the few forgeries that get as far as building a net cost little. */
  private static final ModelConfig CONFIG = new ModelConfig(Encoder.CAUSAL_CNN, 4, 1, 2, 4, 2);
  private static final Tokenizer TOKENIZER = Tokenizer.real(8, 5.0);
  private static final String REJECTED = "foresight.scorer.checkpoints.rejected";

  /** A forged checkpoint, what was done to it, and the reason expected (null: any reason). */
  private record Forgery(String what, byte[] bytes, String reason) {}

  @Test
  void forgedCheckpointsAreAllRejectedWhileTheServingModelKeepsServing() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (ForesightNet net = ForesightNet.create(CONFIG, TOKENIZER);
        ModelHolder holder = new ModelHolder(registry)) {
      // Version 2: any forgery that were valid would be newer than the one serving, and swapped in.
      Checkpoint good =
          Checkpoint.of(net, 2, List.of("a", "b"), Map.of())
              .withClassifier(CheckpointForge.classifier(CONFIG.embeddingDim()));
      try (ModelHolder control = new ModelHolder(new SimpleMeterRegistry())) {
        assertThat(control.offer(CheckpointForge.of(good).bytes())).as("the unforged checkpoint").isTrue();
      }
      assertThat(holder.offer(CheckpointCodec.encode(good.withVersion(1)))).isTrue();
      List<Tokens> input = input();
      float[][] served = Inference.run(net, input).embeddings();

      List<Forgery> forgeries = new ArrayList<>(systematic(good));
      Random random = new Random(15);
      Map<String, boolean[]> values = valuePositions();
      for (int i = 0; i < 400; i++) {
        forgeries.add(randomForgery(good, values, random));
      }
      assertThat(forgeries).hasSizeGreaterThanOrEqualTo(400);

      try (ModelHolder.Lease held = holder.acquire()) {
        for (Forgery forgery : forgeries) {
          double rejected = totalRejected(registry);
          double ofReason = forgery.reason() == null ? 0 : rejected(registry, forgery.reason());
          boolean swapped = false;
          try {
            swapped = holder.offer(forgery.bytes());
          } catch (Throwable t) { // an Error too: one would stop the model watcher's thread
            fail(forgery.what() + ": offer threw " + t, t);
          }
          assertThat(swapped).as(forgery.what()).isFalse();
          assertThat(totalRejected(registry) - rejected).as("rejections counted for " + forgery.what()).isEqualTo(1);
          if (forgery.reason() != null) {
            assertThat(rejected(registry, forgery.reason()) - ofReason)
                .as("reason %s for %s", forgery.reason(), forgery.what())
                .isEqualTo(1);
          }
          assertThat(holder.version()).isEqualTo(1);
        }
        // A lease taken before the forgeries still computes what it did, and so does a new one.
        assertThat(Inference.run(held.net(), input).embeddings()).isDeepEqualTo(served);
      }
      try (ModelHolder.Lease lease = holder.acquire()) {
        assertThat(lease.version()).isEqualTo(1);
        assertThat(lease.classNames()).containsExactly("flat", "wave");
        assertThat(Inference.run(lease.net(), input).embeddings()).isDeepEqualTo(served);
      }
      assertThat(totalRejected(registry)).isEqualTo(forgeries.size());
    }
  }

  /** Every kind of damage once, each with the reason it must be counted under. */
  private static List<Forgery> systematic(Checkpoint good) {
    List<Forgery> out = new ArrayList<>();
    byte[] encoded = CheckpointCodec.encode(good);

    out.add(new Forgery("empty", new byte[0], "checksum"));
    byte[] noise = new byte[300];
    new Random(1).nextBytes(noise);
    out.add(new Forgery("random bytes", noise, "checksum"));
    byte[] badDigest = encoded.clone();
    badDigest[badDigest.length - 1] ^= 1;
    out.add(new Forgery("digest off by a bit", badDigest, "checksum"));
    for (int format : new int[] {1, 3, 0xffff}) {
      byte[] other = encoded.clone();
      ByteBuffer.wrap(other).putShort(4, (short) format);
      out.add(new Forgery("format version " + format, CheckpointForge.withValidDigest(other), "format"));
    }

    for (String field : List.of("config", "tokenizer", "modelVersion")) {
      out.add(header(good, "no " + field, h -> h.remove(field), "header"));
      out.add(header(good, "null " + field, h -> h.putNull(field), "header"));
    }
    out.add(header(good, "config {}", h -> h.putObject("config"), "header"));
    out.add(header(good, "tokenizer {}", h -> h.putObject("tokenizer"), "header"));
    out.add(header(good, "config a string", h -> h.put("config", "big"), "header"));
    out.add(header(good, "a null class name", h -> h.putArray("classNames").addNull().add("b"), "header"));
    out.add(header(good, "a null metric", h -> h.putObject("metrics").putNull("loss"), "header"));
    out.add(header(good, "one class name for two outputs", h -> h.putArray("classNames").add("a"), "header"));
    out.add(header(good, "three class names for two outputs",
        h -> h.putArray("classNames").add("a").add("b").add("c"), "header"));
    for (String raw : List.of("null", "[]", "{{", "", "\"checkpoint\"")) {
      CheckpointForge forge = CheckpointForge.of(good);
      forge.rawHeader = raw.getBytes(StandardCharsets.UTF_8);
      out.add(new Forgery("header JSON " + raw, forge.bytes(), "header"));
    }

    for (String size : List.of("channels", "blocks", "kernel", "projectionDim", "numClasses")) {
      out.add(header(good, size + " 10^6", h -> config(h).put(size, 1_000_000), "header"));
    }
    out.add(header(good, "vocabulary 10^6", h -> tokenizer(h).put("vocabulary", 1_000_000), "header"));
    out.add(header(good, "the largest net the bounds allow",
        h -> config(h).put("channels", ModelConfig.MAX_CHANNELS).put("blocks", ModelConfig.MAX_BLOCKS)
            .put("kernel", ModelConfig.MAX_KERNEL).put("projectionDim", ModelConfig.MAX_PROJECTION_DIM),
        "sections"));
    out.add(header(good, "vocabulary at its bound",
        h -> tokenizer(h).put("vocabulary", Tokenizer.MAX_VOCABULARY), "sections"));

    for (long version : new long[] {Long.MAX_VALUE, Long.MIN_VALUE, -1, Checkpoint.MAX_VERSION + 1}) {
      out.add(header(good, "version " + version, h -> h.put("modelVersion", version), "version"));
    }
    for (long version : new long[] {0, 1}) {
      out.add(header(good, "version " + version + ", not newer", h -> h.put("modelVersion", version), "stale"));
    }

    CheckpointForge none = CheckpointForge.of(good);
    none.sections.clear();
    out.add(new Forgery("no sections", none.bytes(), "sections"));
    for (String part : ForesightNet.parameterCounts(CONFIG, TOKENIZER).keySet()) {
      CheckpointForge missing = CheckpointForge.of(good);
      missing.sections.removeIf(s -> s.getKey().equals(part));
      out.add(new Forgery("no " + part, missing.bytes(), "sections"));
      CheckpointForge renamed = CheckpointForge.of(good);
      renamed.sections.replaceAll(s -> s.getKey().equals(part) ? Map.entry(part + "2", s.getValue()) : s);
      out.add(new Forgery(part + " renamed", renamed.bytes(), "sections"));
      CheckpointForge empty = CheckpointForge.of(good).section(part, new byte[0]);
      out.add(new Forgery(part + " empty", empty.bytes(), "sections"));
      CheckpointForge half = CheckpointForge.of(good);
      half.section(part, Arrays.copyOf(half.section(part), half.section(part).length / 2));
      out.add(new Forgery(part + " cut in half", half.bytes(), null));
      CheckpointForge cut = CheckpointForge.of(good);
      cut.section(part, Arrays.copyOf(cut.section(part), cut.section(part).length - 1));
      out.add(new Forgery(part + " one byte short", cut.bytes(), "architecture"));
    }
    CheckpointForge twice = CheckpointForge.of(good);
    twice.sections.add(twice.sections.get(0));
    out.add(new Forgery("encoder twice", twice.bytes(), "layout"));
    CheckpointForge swapped = CheckpointForge.of(good);
    byte[] encoder = swapped.section(ForesightNet.ENCODER);
    swapped.section(ForesightNet.ENCODER, swapped.section(ForesightNet.PROJECTION_HEAD));
    swapped.section(ForesightNet.PROJECTION_HEAD, encoder);
    out.add(new Forgery("encoder and projection swapped", swapped.bytes(), null));
    CheckpointForge hostile = CheckpointForge.of(good);
    byte[] shape = hostile.section(ForesightNet.ENCODER).clone();
    ByteBuffer.wrap(shape).putInt(indexOf(shape, "FLOAT32") + 7, Integer.MAX_VALUE); // 2^31 dimensions
    out.add(new Forgery("a shape of 2^31 dimensions", hostile.section(ForesightNet.ENCODER, shape).bytes(),
        "architecture"));

    CheckpointForge garbage = CheckpointForge.of(good);
    garbage.classifier = "not a classifier".getBytes(StandardCharsets.US_ASCII);
    out.add(new Forgery("classifier garbage", garbage.bytes(), "classifier"));
    CheckpointForge narrow = CheckpointForge.of(good);
    narrow.classifier = FittedClassifierCodec.encode(CheckpointForge.classifier(3));
    out.add(new Forgery("classifier of another embedding", narrow.bytes(), "classifier"));
    CheckpointForge shortClassifier = CheckpointForge.of(good);
    shortClassifier.classifier = Arrays.copyOf(shortClassifier.classifier, shortClassifier.classifier.length - 8);
    out.add(new Forgery("classifier cut short", shortClassifier.bytes(), "classifier"));

    byte[] trailing = Arrays.copyOf(encoded, encoded.length + 3);
    System.arraycopy(encoded, encoded.length - 32, trailing, trailing.length - 32, 32);
    out.add(new Forgery("bytes after the classifier", CheckpointForge.withValidDigest(trailing), "layout"));
    byte[] overlong = encoded.clone();
    ByteBuffer.wrap(overlong).putInt(6, Integer.MAX_VALUE); // the header's length
    out.add(new Forgery("header claims 2 GB", CheckpointForge.withValidDigest(overlong), "layout"));
    byte[] negative = encoded.clone();
    ByteBuffer.wrap(negative).putInt(6, -5);
    out.add(new Forgery("header of negative length", CheckpointForge.withValidDigest(negative), "layout"));

    CheckpointForge nan = CheckpointForge.of(good);
    byte[] weights = nan.section(ForesightNet.NEXT_HEAD).clone();
    byte[] template = weights.clone();
    // The last four bytes of a section are the last value of its last parameter (the head's bias).
    ByteBuffer.wrap(weights).order(ByteOrder.nativeOrder()).putFloat(weights.length - 4, Float.NaN);
    assertThat(weights).isNotEqualTo(template);
    out.add(new Forgery("a NaN weight", nan.section(ForesightNet.NEXT_HEAD, weights).bytes(), "non-finite"));
    return out;
  }

  /** One random damage, of a kind that must be rejected whatever the draw. */
  private static Forgery randomForgery(Checkpoint good, Map<String, boolean[]> values, Random random) {
    CheckpointForge forge = CheckpointForge.of(good);
    List<String> parts = new ArrayList<>(values.keySet());
    String part = parts.get(random.nextInt(parts.size()));
    byte[] section = forge.section(part).clone();
    switch (random.nextInt(9)) {
      case 0 -> {
        String[] sizes = {"channels", "blocks", "kernel", "projectionDim", "numClasses"};
        String size = sizes[random.nextInt(sizes.length)];
        int current = config(forge.header).get(size).asInt();
        JsonNode bad = badSize(random, current);
        config(forge.header).set(size, bad);
        return new Forgery("config " + size + " " + bad, forge.bytes(), null);
      }
      case 1 -> {
        String[] fields = {"encoder", "mode", "vocabulary", "limit", "modelVersion", "classNames", "config",
            "tokenizer"};
        String field = fields[random.nextInt(fields.length)];
        JsonNode bad = badValue(random, field);
        ObjectNode owner =
            field.equals("encoder") ? config(forge.header)
                : field.equals("mode") || field.equals("vocabulary") || field.equals("limit") ? tokenizer(forge.header)
                : forge.header;
        if (bad == null) {
          owner.remove(field);
        } else {
          owner.set(field, bad);
        }
        return new Forgery(field + " " + (bad == null ? "removed" : bad), forge.bytes(), null);
      }
      case 2 -> {
        int cut = random.nextInt(section.length);
        return new Forgery(part + " cut at " + cut, forge.section(part, Arrays.copyOf(section, cut)).bytes(), null);
      }
      case 3 -> {
        byte[] longer = Arrays.copyOf(section, section.length + 1 + random.nextInt(64));
        for (int i = section.length; i < longer.length; i++) {
          longer[i] = (byte) random.nextInt(256);
        }
        return new Forgery(part + " " + (longer.length - section.length) + " bytes longer",
            forge.section(part, longer).bytes(), "architecture");
      }
      case 4 -> {
        // A byte DJL reads as a name, count, shape or length, never a parameter's value.
        boolean[] isValue = values.get(part);
        int position;
        do {
          position = random.nextInt(section.length);
        } while (isValue[position]);
        section[position] ^= (byte) (1 + random.nextInt(255));
        return new Forgery(part + " layout byte " + position + " changed", forge.section(part, section).bytes(),
            "architecture");
      }
      case 5 -> {
        List<Integer> floats = floatStarts(values.get(part));
        int start = floats.get(random.nextInt(floats.size()));
        float bad = random.nextBoolean() ? Float.NaN : random.nextBoolean() ? Float.POSITIVE_INFINITY
            : Float.NEGATIVE_INFINITY;
        ByteBuffer.wrap(section).order(ByteOrder.nativeOrder()).putFloat(start, bad);
        return new Forgery(part + " value at " + start + " " + bad, forge.section(part, section).bytes(),
            "non-finite");
      }
      case 6 -> {
        forge.sections.removeIf(s -> s.getKey().equals(part));
        if (random.nextBoolean()) {
          String name = random.ints(1 + random.nextInt(12), 'a', 'z' + 1)
              .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
          if (!parts.contains(name)) {
            forge.sections.add(random.nextInt(forge.sections.size() + 1), Map.entry(name, section));
            return new Forgery(part + " renamed " + name, forge.bytes(), "sections");
          }
        }
        return new Forgery(part + " removed", forge.bytes(), "sections");
      }
      case 7 -> {
        byte[] garbage = new byte[1 + random.nextInt(400)];
        random.nextBytes(garbage);
        if (random.nextBoolean()) {
          garbage = Arrays.copyOf(forge.classifier, random.nextInt(forge.classifier.length));
          if (garbage.length == 0) {
            garbage = new byte[] {1};
          }
        }
        forge.classifier = garbage;
        return new Forgery("classifier of " + garbage.length + " garbage bytes", forge.bytes(), "classifier");
      }
      default -> {
        long[] versions = {Long.MAX_VALUE, Long.MIN_VALUE, -1 - random.nextInt(1000),
            Checkpoint.MAX_VERSION + 1 + random.nextInt(1000), -(1L << 53) - random.nextInt(1000)};
        long version = versions[random.nextInt(versions.length)];
        forge.header.put("modelVersion", version);
        return new Forgery("version " + version, forge.bytes(), "version");
      }
    }
  }

  /** A size the architecture does not have: out of bounds, not a number, or another valid size. */
  private static JsonNode badSize(Random random, int current) {
    JsonNodeFactory json = JsonNodeFactory.instance;
    return switch (random.nextInt(7)) {
      case 0 -> json.nullNode();
      case 1 -> json.numberNode(-random.nextInt(Integer.MAX_VALUE));
      case 2 -> json.numberNode(100_000 + random.nextInt(Integer.MAX_VALUE - 100_000));
      case 3 -> json.numberNode(1L << 40);
      case 4 -> json.textNode("wide");
      case 5 -> json.objectNode();
      default -> {
        int other;
        do {
          other = 1 + random.nextInt(64);
        } while (other == current);
        yield json.numberNode(other); // valid alone, but not the architecture the sections hold
      }
    };
  }

  /** A value for a header field that no reader may accept (null: the field removed). */
  private static JsonNode badValue(Random random, String field) {
    JsonNodeFactory json = JsonNodeFactory.instance;
    List<JsonNode> candidates = new ArrayList<>(List.of(json.nullNode(), json.arrayNode(), json.textNode("?")));
    candidates.add(null);
    switch (field) {
      case "encoder" -> candidates.addAll(List.of(json.textNode("GRU"), json.textNode("RESNET"),
          json.textNode("LSTM"), json.numberNode(9)));
      // INTEGER is left out: with the same vocabulary it is the same architecture, a valid checkpoint.
      case "mode" -> candidates.addAll(List.of(json.textNode("BINARY"), json.numberNode(7)));
      case "vocabulary" -> candidates.addAll(List.of(json.numberNode(1), json.numberNode(-8),
          json.numberNode(9 + random.nextInt(100)), json.numberNode(Tokenizer.MAX_VOCABULARY + 1)));
      case "limit" -> candidates.addAll(List.of(json.numberNode(0), json.numberNode(-random.nextDouble()),
          json.numberNode(Double.POSITIVE_INFINITY)));
      case "modelVersion" -> candidates.addAll(List.of(json.numberNode(0), json.numberNode(1),
          json.numberNode(-random.nextInt(1000) - 1), json.textNode("two")));
      case "classNames" -> candidates.addAll(List.of(json.arrayNode().add("a"),
          json.arrayNode().add("a").add("b").add("c"), json.arrayNode().addNull().add("b")));
      default -> candidates.addAll(List.of(json.objectNode(), json.numberNode(random.nextInt())));
    }
    return candidates.get(random.nextInt(candidates.size()));
  }

  /** Where each value starts: values come in runs of whole floats, one run per parameter. */
  private static List<Integer> floatStarts(boolean[] isValue) {
    List<Integer> starts = new ArrayList<>();
    for (int i = 0; i < isValue.length; i++) {
      if (isValue[i] && (i == 0 || !isValue[i - 1])) {
        for (int start = i; start + Float.BYTES <= isValue.length && isValue[start]; start += Float.BYTES) {
          starts.add(start);
        }
      }
    }
    return starts;
  }

  /**
   * Per section, the positions that hold parameter values: those that differ between two nets of
   * this architecture whose every value is 0.5 in one and -1.7 in the other (no byte of the two
   * floats agrees). Everything else is layout, the same in every checkpoint of the architecture.
   */
  private static Map<String, boolean[]> valuePositions() {
    Map<String, byte[]> half = constantSections(0.5f);
    Map<String, byte[]> other = constantSections(-1.7f);
    Map<String, boolean[]> values = new LinkedHashMap<>();
    half.forEach((part, bytes) -> {
      boolean[] isValue = new boolean[bytes.length];
      for (int i = 0; i < bytes.length; i++) {
        isValue[i] = bytes[i] != other.get(part)[i];
      }
      values.put(part, isValue);
    });
    return values;
  }

  private static Map<String, byte[]> constantSections(float value) {
    try (ForesightNet net = ForesightNet.create(CONFIG, TOKENIZER)) {
      for (Block part : net.parts()) {
        for (Pair<String, Parameter> parameter : part.getParameters()) {
          NDArray array = parameter.getValue().getArray();
          float[] constant = new float[(int) array.size()];
          Arrays.fill(constant, value);
          array.set(FloatBuffer.wrap(constant));
        }
      }
      return net.saveSections();
    }
  }

  private static Forgery header(Checkpoint good, String what, Consumer<ObjectNode> change, String reason) {
    CheckpointForge forge = CheckpointForge.of(good);
    change.accept(forge.header);
    return new Forgery(what, forge.bytes(), reason);
  }

  private static ObjectNode config(ObjectNode header) {
    return (ObjectNode) header.get("config");
  }

  private static ObjectNode tokenizer(ObjectNode header) {
    return (ObjectNode) header.get("tokenizer");
  }

  private static double rejected(SimpleMeterRegistry registry, String reason) {
    Counter counter = registry.find(REJECTED).tag("reason", reason).counter();
    assertThat(counter).as("a counter registered for reason %s", reason).isNotNull();
    return counter.count();
  }

  private static double totalRejected(SimpleMeterRegistry registry) {
    return registry.find(REJECTED).counters().stream().mapToDouble(Counter::count).sum();
  }

  private static List<Tokens> input() {
    Random random = new Random(3);
    List<Tokens> series = new ArrayList<>();
    for (int length : new int[] {20, 33}) {
      double[] values = new double[length];
      for (int t = 0; t < length; t++) {
        values[t] = Math.sin(t / 2.0) + 0.1 * random.nextGaussian();
      }
      series.add(TOKENIZER.encode(values, Tokenizer.OutOfRange.ERROR));
    }
    return series;
  }

  private static int indexOf(byte[] bytes, String ascii) {
    byte[] wanted = ascii.getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i + wanted.length <= bytes.length; i++) {
      if (Arrays.equals(bytes, i, i + wanted.length, wanted, 0, wanted.length)) {
        return i;
      }
    }
    throw new AssertionError(ascii + " not found");
  }
}
