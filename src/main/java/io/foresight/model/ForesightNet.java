package io.foresight.model;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The encoder and its heads, owned by one DJL {@link Model} (parameters belong to the model that
 * initialised them). Every head is its own block so a checkpoint can carry them as separate sections: a
 * pretrained encoder loads into a net with a fresh classifier, and a stream checkpoint swaps heads
 * without touching the encoder.
 *
 * <p>Shapes: ids and inputs (N, L); features (N, C, L); step logits (N, L, V); embedding (N, 2C).
 */
public final class ForesightNet implements AutoCloseable {

  public static final String ENCODER = "encoder";
  public static final String NEXT_HEAD = "next";
  public static final String MASKED_HEAD = "masked";
  public static final String PROJECTION_HEAD = "projection";
  public static final String CLASSIFIER_HEAD = "classifier";

  private final ModelConfig config;
  private final Tokenizer tokenizer;
  private final Model model;
  private final Map<String, Block> parts = new LinkedHashMap<>();

  private ForesightNet(ModelConfig config, Tokenizer tokenizer, Device device) {
    this.config = config;
    this.tokenizer = tokenizer;
    this.model = Model.newInstance("foresight", device);
    try {
      build(config, tokenizer);
    } catch (RuntimeException | Error e) {
      model.close(); // nobody else holds the model yet: it would leak its native memory
      throw e;
    }
  }

  private void build(ModelConfig config, Tokenizer tokenizer) {
    int v = tokenizer.vocabulary();
    int e = config.embeddingDim();
    parts.put(ENCODER, encoder(config, tokenizer));
    parts.put(NEXT_HEAD, Linear.builder().setUnits(v).build());
    parts.put(MASKED_HEAD, Linear.builder().setUnits(v).build());
    // The LSTM recipe projects linearly; the CNNs use the usual two-layer projection (SimCLR).
    parts.put(
        PROJECTION_HEAD,
        config.encoder() == Encoder.LSTM
            ? Linear.builder().setUnits(config.projectionDim()).build()
            : new SequentialBlock()
                .add(Linear.builder().setUnits(e).build())
                .add(Activation::relu)
                .add(Linear.builder().setUnits(config.projectionDim()).build()));
    if (config.numClasses() > 0) {
      parts.put(CLASSIFIER_HEAD, Linear.builder().setUnits(config.numClasses()).build());
    }
    NDManager manager = model.getNDManager();
    Shape steps = new Shape(1, 8);
    parts.get(ENCODER).initialize(manager, DataType.FLOAT32, steps, steps);
    Shape perStep = new Shape(1, 8, config.channels());
    parts.get(NEXT_HEAD).initialize(manager, DataType.FLOAT32, perStep);
    parts.get(MASKED_HEAD).initialize(manager, DataType.FLOAT32, perStep);
    Shape pooled = new Shape(1, e);
    parts.get(PROJECTION_HEAD).initialize(manager, DataType.FLOAT32, pooled);
    if (config.numClasses() > 0) {
      parts.get(CLASSIFIER_HEAD).initialize(manager, DataType.FLOAT32, pooled);
    }
  }

  private static Block encoder(ModelConfig config, Tokenizer tokenizer) {
    return switch (config.encoder()) {
      case RESNET -> new ResNetEncoder(config, tokenizer.padId());
      case LSTM -> new LstmEncoder(config);
      case CAUSAL_CNN -> new CausalEncoder(config, tokenizer.inputVocabulary());
    };
  }

  /** A freshly initialised net on the preferred device. */
  public static ForesightNet create(ModelConfig config, Tokenizer tokenizer) {
    return new ForesightNet(config, tokenizer, Devices.preferred());
  }

  /**
   * A net whose parts are all loaded from checkpoint sections: every part of the architecture needs
   * one (a net with a freshly initialised part would serve random weights).
   *
   * @throws MalformedModelException when a part is missing, or a section does not fit this
   *     architecture; nothing is allocated for a section too short for its parameters
   */
  public static ForesightNet fromSections(
      ModelConfig config, Tokenizer tokenizer, Map<String, byte[]> sections)
      throws MalformedModelException {
    checkSections(config, tokenizer, sections);
    ForesightNet net = create(config, tokenizer);
    boolean loaded = false;
    try {
      net.load(sections);
      loaded = true;
      return net;
    } finally {
      if (!loaded) {
        net.close(); // whatever failed, an Error included, the caller never sees this net
      }
    }
  }

  /**
   * The float parameters of each part of an architecture, by part name, from the sizes alone: nothing
   * is allocated. Equal to what DJL allocates for {@link #create} (a test holds them together).
   */
  public static Map<String, Long> parameterCounts(ModelConfig config, Tokenizer tokenizer) {
    long c = config.channels();
    long e = config.embeddingDim();
    long p = config.projectionDim();
    long v = tokenizer.vocabulary();
    long conv = c * c * config.kernel() + c;
    long encoder =
        switch (config.encoder()) {
          // embedding of the one-hot class and the continuous value, two convolutions per block
          case CAUSAL_CNN -> (tokenizer.inputVocabulary() + 1) * c + c + 2L * config.blocks() * conv;
          // input convolution of kernel 1, then per block two convolutions and two batch norms
          // (gamma, beta, running mean and variance)
          case RESNET -> 2 * c + 2L * config.blocks() * (conv + 4 * c);
          // input-to-hidden and hidden-to-hidden weights and biases of four gates, one input value
          case LSTM -> 4 * c + 4 * c * c + 8 * c;
        };
    Map<String, Long> counts = new LinkedHashMap<>();
    counts.put(ENCODER, encoder);
    counts.put(NEXT_HEAD, c * v + v);
    counts.put(MASKED_HEAD, c * v + v);
    counts.put(
        PROJECTION_HEAD, config.encoder() == Encoder.LSTM ? e * p + p : (e * e + e) + (e * p + p));
    if (config.numClasses() > 0) {
      counts.put(CLASSIFIER_HEAD, e * config.numClasses() + config.numClasses());
    }
    return counts;
  }

  /**
   * Checks, before anything is allocated, that {@code sections} name exactly the parts of this
   * architecture and that each is at least as long as its float32 parameters: however large a
   * checkpoint's header says the net is, a reader builds no more than the bytes it was sent.
   *
   * @throws MalformedModelException naming the missing, unknown or short part
   */
  public static void checkSections(ModelConfig config, Tokenizer tokenizer, Map<String, byte[]> sections)
      throws MalformedModelException {
    Map<String, Long> counts = parameterCounts(config, tokenizer);
    for (String name : sections.keySet()) {
      if (!counts.containsKey(name)) {
        throw new MalformedModelException(
            "checkpoint part '" + name + "' has no place in this model " + counts.keySet());
      }
    }
    for (Map.Entry<String, Long> part : counts.entrySet()) {
      byte[] bytes = sections.get(part.getKey());
      if (bytes == null) {
        throw new MalformedModelException(
            "the checkpoint has no '" + part.getKey() + "' part; this model needs " + counts.keySet());
      }
      long needed = Float.BYTES * part.getValue();
      if (bytes.length < needed) {
        throw new MalformedModelException(
            "checkpoint part '" + part.getKey() + "' has " + bytes.length + " bytes, fewer than the "
                + needed + " of its " + part.getValue() + " parameters");
      }
    }
  }

  /**
   * Loads the given sections over this net's parts; parts without a section keep their parameters
   * (fine-tuning loads a pretrained encoder alone). A section for an unknown part, or whose bytes do
   * not have exactly the layout of the part's own (another length, other shapes or names) is rejected
   * before DJL reads it, and the part keeps its previous parameters.
   */
  public void load(Map<String, byte[]> sections) throws MalformedModelException {
    for (Map.Entry<String, byte[]> section : sections.entrySet()) {
      Block part = parts.get(section.getKey());
      if (part == null) {
        throw new MalformedModelException(
            "checkpoint part '" + section.getKey() + "' has no place in this model " + parts.keySet());
      }
      List<Shape> expected = shapes(part);
      byte[] previous = save(part);
      String problem = layoutProblem(part, previous, section.getValue());
      if (problem != null) {
        throw new MalformedModelException(
            "checkpoint part '" + section.getKey() + "' does not fit the model: " + problem);
      }
      try {
        problem = loadInto(part, section.getValue(), expected);
      } catch (IOException | RuntimeException e) {
        problem = String.valueOf(e.getMessage());
      }
      if (problem != null) {
        try {
          loadInto(part, previous, expected);
        } catch (IOException e) {
          throw new IllegalStateException("parameters saved a moment ago must load back", e);
        }
        throw new MalformedModelException(
            "checkpoint part '" + section.getKey() + "' does not fit the model: " + problem);
      }
    }
  }

  /** Loads parameters into a part; returns what is wrong with them, or null. */
  private String loadInto(Block part, byte[] bytes, List<Shape> expected)
      throws IOException, MalformedModelException {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      part.loadParameters(model.getNDManager(), in);
      if (in.available() > 0) {
        return in.available() + " bytes left over (a deeper model?)";
      }
    }
    List<Shape> loaded = shapes(part);
    return loaded.equals(expected) ? null : "parameter shapes " + loaded + ", expected " + expected;
  }

  /**
   * Why {@code bytes} do not have the layout of {@code template} (the part's own parameters, saved),
   * or null: the same length and the same bytes everywhere but inside the parameters' values. DJL
   * trusts the counts and lengths it reads (it allocates whatever an array claims before the stream
   * runs out), so only bytes it would read exactly as the template reach it.
   */
  private static String layoutProblem(Block part, byte[] template, byte[] bytes) {
    if (bytes.length != template.length) {
      return bytes.length + " bytes where the architecture's parameters take " + template.length;
    }
    int from = 0;
    for (Pair<String, Parameter> parameter : part.getParameters()) {
      NDArray array = parameter.getValue().getArray();
      // Parameter.save writes the array's own encoding, its values last.
      byte[] encoded = array.encode();
      int at = indexOf(template, encoded, from);
      if (at < 0) {
        throw new IllegalStateException(
            "parameter " + parameter.getKey() + " is not where DJL saved it: unknown parameter format");
      }
      int values = at + encoded.length - (int) (array.size() * array.getDataType().getNumOfBytes());
      if (!Arrays.equals(template, from, values, bytes, from, values)) {
        return "the bytes before the values of " + parameter.getKey() + " differ from the architecture's"
            + " (names, shapes or lengths)";
      }
      from = at + encoded.length;
    }
    if (!Arrays.equals(template, from, template.length, bytes, from, bytes.length)) {
      return "the bytes after the last parameter differ from the architecture's";
    }
    return null;
  }

  private static int indexOf(byte[] bytes, byte[] wanted, int from) {
    for (int i = from; i + wanted.length <= bytes.length; i++) {
      if (Arrays.equals(bytes, i, i + wanted.length, wanted, 0, wanted.length)) {
        return i;
      }
    }
    return -1;
  }

  private static List<Shape> shapes(Block part) {
    List<Shape> shapes = new ArrayList<>();
    for (Pair<String, Parameter> parameter : part.getParameters()) {
      shapes.add(parameter.getValue().getArray().getShape());
    }
    return shapes;
  }

  private static byte[] save(Block part) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      part.saveParameters(out);
    } catch (IOException e) {
      throw new IllegalStateException("writing to memory cannot fail", e);
    }
    return bytes.toByteArray();
  }

  /** Every part's parameters, by part name, in DJL's parameter format. */
  public Map<String, byte[]> saveSections() {
    Map<String, byte[]> sections = new LinkedHashMap<>();
    for (Map.Entry<String, Block> part : parts.entrySet()) {
      sections.put(part.getKey(), save(part.getValue()));
    }
    return sections;
  }

  public NDArray features(ParameterStore store, NDArray ids, NDArray inputs, boolean training) {
    return part(ENCODER).forward(store, new NDList(ids, inputs), training).head();
  }

  /** Logits per step for the class of the next step (N, L, V) from features (N, C, L). */
  public NDArray nextLogits(ParameterStore store, NDArray features, boolean training) {
    return part(NEXT_HEAD).forward(store, new NDList(features.transpose(0, 2, 1)), training).head();
  }

  /** Logits per step for the class hidden at that step (N, L, V). */
  public NDArray maskedLogits(ParameterStore store, NDArray features, boolean training) {
    return part(MASKED_HEAD).forward(store, new NDList(features.transpose(0, 2, 1)), training).head();
  }

  public NDArray projection(ParameterStore store, NDArray embedding, boolean training) {
    return part(PROJECTION_HEAD).forward(store, new NDList(embedding), training).head();
  }

  public NDArray classLogits(ParameterStore store, NDArray embedding, boolean training) {
    return part(CLASSIFIER_HEAD).forward(store, new NDList(embedding), training).head();
  }

  /**
   * The embedding of each series from its features, ignoring padding: {@link #pool} for the causal
   * CNN, the masked mean for the ResNet, the output at the last real step for the LSTM (what packing
   * the sequences would give).
   *
   * @param features (N, C, L)
   * @param mask (N, L), 1 for real steps and 0 for padding
   * @return (N, {@link ModelConfig#embeddingDim()})
   */
  public NDArray embed(NDArray features, NDArray mask) {
    return switch (config.encoder()) {
      case RESNET -> {
        NDArray m = mask.expandDims(1);
        yield features.mul(m).sum(new int[] {2}).div(m.sum(new int[] {2}));
      }
      case LSTM -> {
        NDArray length = mask.sum(new int[] {1});
        NDArray position = mask.getManager().arange((float) mask.getShape().get(1)).expandDims(0);
        NDArray last = position.eq(length.sub(1).expandDims(1)).toType(DataType.FLOAT32, false);
        yield features.mul(last.expandDims(1)).sum(new int[] {2});
      }
      case CAUSAL_CNN -> pool(features, mask);
    };
  }

  /**
   * Pooling over time that ignores padding: masked mean and masked max of the features, concatenated.
   *
   * @param features (N, C, L)
   * @param mask (N, L), 1 for real steps and 0 for padding
   */
  public static NDArray pool(NDArray features, NDArray mask) {
    NDArray m = mask.expandDims(1);
    NDArray mean = features.mul(m).sum(new int[] {2}).div(m.sum(new int[] {2}));
    NDArray max = features.add(m.sub(1).mul(1e9f)).max(new int[] {2});
    return mean.concat(max, 1);
  }

  public Block part(String name) {
    Block block = parts.get(name);
    if (block == null) {
      throw new IllegalStateException("this model has no " + name + " head");
    }
    return block;
  }

  /**
   * The first parameter holding a NaN or an infinity, as {@code part/parameter}, or null when every
   * weight is finite. A training run that diverged leaves such weights; they must never be served.
   */
  public String firstNonFiniteParameter() {
    for (Map.Entry<String, Block> part : parts.entrySet()) {
      for (var parameter : part.getValue().getParameters()) {
        // Read on the JVM side: NDArray operations would leave their results in the net's manager.
        for (float weight : parameter.getValue().getArray().toFloatArray()) {
          if (!Float.isFinite(weight)) {
            return part.getKey() + "/" + parameter.getKey();
          }
        }
      }
    }
    return null;
  }

  /** Every part, encoder first. */
  public Iterable<Block> parts() {
    return parts.values();
  }

  public boolean hasClassifier() {
    return parts.containsKey(CLASSIFIER_HEAD);
  }

  public ModelConfig config() {
    return config;
  }

  public Tokenizer tokenizer() {
    return tokenizer;
  }

  public NDManager manager() {
    return model.getNDManager();
  }

  @Override
  public void close() {
    model.close();
  }
}
