package io.foresight.wire;

import ai.djl.MalformedModelException;
import io.foresight.classify.FittedClassifier;
import io.foresight.model.ForesightNet;
import io.foresight.model.ModelConfig;
import io.foresight.model.Tokenizer;
import java.util.List;
import java.util.Map;

/**
 * A model as it travels: its architecture, tokeniser, class names and training metrics, the
 * parameters of each part of the net ({@link io.foresight.model.ForesightNet#saveSections()}) and,
 * once labels of two classes have been seen, the classifier fitted on the net's frozen features.
 *
 * @param modelVersion rises with every checkpoint a trainer publishes; 0 for offline work; at most
 *     {@link #MAX_VERSION}
 * @param classNames the classes of the net's own classifier head in output order (offline
 *     {@code finetune}); empty without a head
 * @param metrics training figures worth keeping with the weights (loss, steps, seconds...)
 * @param sections DJL parameters by part name
 * @param classifier the classifier fitted on frozen features of this net (the live trainer's), or
 *     null when none has been fitted
 */
public record Checkpoint(
    long modelVersion,
    ModelConfig config,
    Tokenizer tokenizer,
    List<String> classNames,
    Map<String, Double> metrics,
    Map<String, byte[]> sections,
    FittedClassifier classifier) {

  /**
   * Highest model version, 2^53: versions leave the JVM as doubles (the scorer's version gauge,
   * JSON read by JavaScript), which count every integer up to there and skip some after. It also
   * leaves room for {@code version + 1}: a reader takes the highest version, so a version at
   * {@code Long.MAX_VALUE} would freeze every model after it as stale, and overflow the next.
   */
  public static final long MAX_VERSION = 1L << 53;

  /** A checkpoint without a fitted classifier. */
  public Checkpoint(
      long modelVersion, ModelConfig config, Tokenizer tokenizer, List<String> classNames,
      Map<String, Double> metrics, Map<String, byte[]> sections) {
    this(modelVersion, config, tokenizer, classNames, metrics, sections, null);
  }

  /** Captures a net's current parameters. */
  public static Checkpoint of(
      ForesightNet net, long modelVersion, List<String> classNames, Map<String, Double> metrics) {
    return new Checkpoint(
        modelVersion, net.config(), net.tokenizer(), classNames, metrics, net.saveSections());
  }

  /**
   * Rebuilds the net this checkpoint describes.
   *
   * @throws MalformedModelException when a part of the net is missing, or the parameters do not fit
   *     the recorded architecture ({@link ForesightNet#fromSections})
   */
  public ForesightNet toNet() throws MalformedModelException {
    return ForesightNet.fromSections(config, tokenizer, sections);
  }

  /** This checkpoint under another model version. */
  public Checkpoint withVersion(long version) {
    return new Checkpoint(version, config, tokenizer, classNames, metrics, sections, classifier);
  }

  /** This checkpoint carrying {@code fitted} (null for none). */
  public Checkpoint withClassifier(FittedClassifier fitted) {
    return new Checkpoint(modelVersion, config, tokenizer, classNames, metrics, sections, fitted);
  }

  /** The classes the served model classifies into: the fitted classifier's, else the head's. */
  public List<String> servedClasses() {
    return classifier != null ? classifier.classes() : classNames;
  }

  public Checkpoint {
    if (modelVersion < 0 || modelVersion > MAX_VERSION) {
      throw new IllegalArgumentException(
          "model version " + modelVersion + " is outside [0, " + MAX_VERSION + "]");
    }
    java.util.Objects.requireNonNull(config, "config");
    java.util.Objects.requireNonNull(tokenizer, "tokenizer");
    classNames = List.copyOf(classNames);
    metrics = Map.copyOf(metrics);
    sections = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(sections));
    if (classNames.size() != config.numClasses()) {
      throw new IllegalArgumentException(
          "class names " + classNames + " do not match the model's " + config.numClasses() + " outputs");
    }
    if (classifier != null && classifier.embeddingDimensions() != config.embeddingDim()) {
      throw new IllegalArgumentException(
          "the classifier reads " + classifier.embeddingDimensions() + " embedding dimensions; the net gives "
              + config.embeddingDim());
    }
  }
}
