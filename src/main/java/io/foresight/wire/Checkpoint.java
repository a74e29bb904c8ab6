package io.foresight.wire;

import ai.djl.MalformedModelException;
import io.foresight.model.ForesightNet;
import io.foresight.model.ModelConfig;
import io.foresight.model.Tokenizer;
import java.util.List;
import java.util.Map;

/**
 * A model as it travels: its architecture, tokeniser, class names and training metrics, and the
 * parameters of each part of the net ({@link io.foresight.model.ForesightNet#saveSections()}).
 *
 * @param modelVersion rises with every checkpoint a trainer publishes; 0 for offline work
 * @param classNames the classifier's classes in output order; empty without a classifier
 * @param metrics training figures worth keeping with the weights (loss, steps, seconds...)
 * @param sections DJL parameters by part name
 */
public record Checkpoint(
    long modelVersion,
    ModelConfig config,
    Tokenizer tokenizer,
    List<String> classNames,
    Map<String, Double> metrics,
    Map<String, byte[]> sections) {

  /** Captures a net's current parameters. */
  public static Checkpoint of(
      ForesightNet net, long modelVersion, List<String> classNames, Map<String, Double> metrics) {
    return new Checkpoint(
        modelVersion, net.config(), net.tokenizer(), classNames, metrics, net.saveSections());
  }

  /**
   * Rebuilds the net this checkpoint describes.
   *
   * @throws MalformedModelException when the parameters do not fit the recorded architecture
   */
  public ForesightNet toNet() throws MalformedModelException {
    return ForesightNet.fromSections(config, tokenizer, sections);
  }

  public Checkpoint {
    classNames = List.copyOf(classNames);
    metrics = Map.copyOf(metrics);
    sections = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(sections));
    if (classNames.size() != config.numClasses()) {
      throw new IllegalArgumentException(
          "class names " + classNames + " do not match the model's " + config.numClasses() + " outputs");
    }
  }
}
