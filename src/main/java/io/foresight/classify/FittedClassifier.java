package io.foresight.classify;

import io.foresight.minirocket.LinearModel;
import io.foresight.minirocket.MiniRocket;
import io.foresight.minirocket.Standardizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.IntStream;

/**
 * A classifier fitted on frozen features, as the live trainer fits it, a checkpoint carries it and the
 * scorer applies it: MiniRocket's features of a window (with the MiniRocket parameters they come
 * from) and the encoder's embedding of it, a linear model over both ({@link CombinedProbe}, the
 * classifier {@code evaluate} measures, with the standardisation folded into its weights), and the
 * temperature that turns its scores into probabilities.
 *
 * <p>Only ever made by {@link #fit} on labelled windows of at least two classes, so a model without
 * one has no classifier at all rather than an unfitted one. Immutable and thread-safe.
 */
public final class FittedClassifier {

  /** Cross-validation that leaves out one entity's windows at a time. */
  public static final String LEAVE_ONE_ENTITY_OUT = "leave-one-entity-out";

  /** Cross-validation that leaves out one window at a time (a class has a single entity). */
  public static final String LEAVE_ONE_WINDOW_OUT = "leave-one-window-out";

  /** Largest temperature: cross-validated scores that never err would otherwise push it to infinity. */
  static final double MAX_TEMPERATURE = 50;

  /**
   * What the classifier was fitted on and how well it did there.
   *
   * @param crossValidatedAccuracy accuracy on the labelled windows, each predicted by a fit without it
   *     (and without the rest of its entity's windows, when {@code crossValidation} says so)
   * @param crossValidation {@link #LEAVE_ONE_ENTITY_OUT} or {@link #LEAVE_ONE_WINDOW_OUT}
   * @param embeddingShare the embedding's share of the variance: 0 MiniRocket alone, infinity the
   *     embedding alone
   */
  public record Quality(
      double crossValidatedAccuracy,
      String crossValidation,
      int labelledWindows,
      int labelledEntities,
      double embeddingShare) {}

  private final List<String> classes;
  private final MiniRocket rocket;
  private final double[][] rocketWeights;
  private final int embeddingDimensions;
  private final double[][] embeddingWeights;
  private final double[] intercept;
  private final double temperature;
  private final Quality quality;

  /**
   * @param rocket null when the model reads the embedding alone
   * @param rocketWeights {@code [class][feature]} over raw MiniRocket features; null without rocket
   * @param embeddingWeights {@code [class][dimension]} over the raw embedding; null when unused
   */
  FittedClassifier(
      List<String> classes, MiniRocket rocket, double[][] rocketWeights, int embeddingDimensions,
      double[][] embeddingWeights, double[] intercept, double temperature, Quality quality) {
    if (classes.size() < 2 || new HashSet<>(classes).size() != classes.size()) {
      throw new IllegalArgumentException("a classifier needs two or more distinct classes: " + classes);
    }
    if ((rocket == null) != (rocketWeights == null) || (rocket == null && embeddingWeights == null)) {
      throw new IllegalArgumentException("a classifier reads MiniRocket features, the embedding, or both");
    }
    requireShape(rocketWeights, classes.size(), rocket == null ? 0 : rocket.features(), "MiniRocket");
    requireShape(embeddingWeights, classes.size(), embeddingDimensions, "embedding");
    if (intercept.length != classes.size() || !finite(intercept)
        || !(temperature > 0) || Double.isInfinite(temperature)) {
      throw new IllegalArgumentException("intercepts and temperature must be finite, one intercept a class");
    }
    this.classes = List.copyOf(classes);
    this.rocket = rocket;
    this.rocketWeights = rocketWeights;
    this.embeddingDimensions = embeddingDimensions;
    this.embeddingWeights = embeddingWeights;
    this.intercept = intercept.clone();
    this.temperature = temperature;
    this.quality = quality;
  }

  /**
   * Fits on labelled windows: both blocks standardised on these windows, the embedding's share and
   * the ridge regularisation chosen by cross-validation (by entity when every class has two entities
   * or more), the temperature by the likelihood of the cross-validated scores.
   *
   * @param rocket the MiniRocket transform {@code rocketFeatures} come from
   * @param rocketFeatures MiniRocket features of each window
   * @param embeddings the frozen encoder's embedding of each window
   * @param labels each window's class name (at least two distinct)
   * @param entities each window's entity
   */
  public static FittedClassifier fit(
      MiniRocket rocket, float[][] rocketFeatures, float[][] embeddings, List<String> labels,
      List<String> entities) {
    int n = labels.size();
    if (rocketFeatures.length != n || embeddings.length != n || entities.size() != n) {
      throw new IllegalArgumentException("one feature row, embedding and entity per labelled window");
    }
    List<String> classes = new ArrayList<>(new TreeSet<>(labels));
    if (classes.size() < 2) {
      throw new IllegalArgumentException("a classifier needs labelled windows of two classes, not " + classes);
    }
    int[] y = labels.stream().mapToInt(classes::indexOf).toArray();
    int[] groups = entityGroups(entities);
    boolean byEntity = everyClassHasTwoGroups(y, groups, classes.size());

    Standardizer rocketScale = Standardizer.of(rocketFeatures);
    Standardizer embeddingScale = Standardizer.of(embeddings);
    List<Integer> all = IntStream.range(0, n).boxed().toList();
    CombinedProbe probe =
        CombinedProbe.fit(
            rocketScale.apply(rocketFeatures), embeddingScale.apply(embeddings), all, y,
            byEntity ? groups : null, classes.size(), 0);

    // Fold the standardisation in: w (x - mean) / scale + b = (w / scale) x + (b - w mean / scale).
    LinearModel standardised = probe.linear();
    int width = probe.rocketWidth();
    boolean usesRocket = probe.share() != Double.POSITIVE_INFINITY;
    boolean usesEmbedding = probe.share() != 0;
    double[][] rocketWeights = usesRocket ? new double[classes.size()][] : null;
    double[][] embeddingWeights = usesEmbedding ? new double[classes.size()][] : null;
    double[] intercept = standardised.intercept();
    double[] rocketMean = rocketScale.mean();
    double[] rocketStd = rocketScale.scale();
    double[] embeddingMean = embeddingScale.mean();
    double[] embeddingStd = embeddingScale.scale();
    for (int c = 0; c < classes.size(); c++) {
      double[] w = standardised.weights()[c];
      if (usesRocket) {
        rocketWeights[c] = new double[width];
        for (int j = 0; j < width; j++) {
          rocketWeights[c][j] = w[j] / rocketStd[j];
          intercept[c] -= rocketWeights[c][j] * rocketMean[j];
        }
      }
      if (usesEmbedding) {
        embeddingWeights[c] = new double[embeddingMean.length];
        for (int j = 0; j < embeddingMean.length; j++) {
          embeddingWeights[c][j] = w[width + j] / embeddingStd[j];
          intercept[c] -= embeddingWeights[c][j] * embeddingMean[j];
        }
      }
    }
    double temperature =
        probe.heldOutDecisions() == null ? 1 : Calibration.temperature(probe.heldOutDecisions(), y, MAX_TEMPERATURE);
    Quality quality =
        new Quality(
            probe.crossValidatedAccuracy(),
            byEntity ? LEAVE_ONE_ENTITY_OUT : LEAVE_ONE_WINDOW_OUT,
            n,
            new HashSet<>(entities).size(),
            probe.share());
    return new FittedClassifier(
        classes, usesRocket ? rocket : null, rocketWeights, embeddings[0].length, embeddingWeights,
        intercept, temperature, quality);
  }

  /** One score per class from a window's MiniRocket features (null when unused) and embedding. */
  public double[] decision(float[] rocketFeatures, float[] embedding) {
    double[] scores = intercept.clone();
    if (embedding.length != embeddingDimensions) {
      throw new IllegalArgumentException(
          "the classifier reads embeddings of " + embeddingDimensions + " dimensions, not " + embedding.length);
    }
    for (int c = 0; c < scores.length; c++) {
      if (rocketWeights != null) {
        scores[c] += dot(rocketWeights[c], rocketFeatures);
      }
      if (embeddingWeights != null) {
        scores[c] += dot(embeddingWeights[c], embedding);
      }
    }
    return scores;
  }

  /** Class probabilities, in the order of {@link #classes()}: the softmax of the scaled scores. */
  public double[] probabilities(float[] rocketFeatures, float[] embedding) {
    return Calibration.softmax(decision(rocketFeatures, embedding), temperature);
  }

  /** The features the classifier reads from a window's values; null when it reads the embedding alone. */
  public float[] rocketFeatures(double[] values) {
    return rocket == null ? null : rocket.transform(values);
  }

  public List<String> classes() {
    return classes;
  }

  /** The MiniRocket transform, or null when the classifier reads the embedding alone. */
  public MiniRocket rocket() {
    return rocket;
  }

  double[][] rocketWeights() {
    return rocketWeights;
  }

  public int embeddingDimensions() {
    return embeddingDimensions;
  }

  double[][] embeddingWeights() {
    return embeddingWeights;
  }

  double[] intercept() {
    return intercept.clone();
  }

  public double temperature() {
    return temperature;
  }

  public Quality quality() {
    return quality;
  }

  private static double dot(double[] w, float[] x) {
    if (x == null || x.length != w.length) {
      throw new IllegalArgumentException("expected " + w.length + " features");
    }
    double v = 0;
    for (int j = 0; j < w.length; j++) {
      v += w[j] * x[j];
    }
    return v;
  }

  private static int[] entityGroups(List<String> entities) {
    Map<String, Integer> ids = new HashMap<>();
    return entities.stream().mapToInt(e -> ids.computeIfAbsent(e, k -> ids.size())).toArray();
  }

  private static boolean everyClassHasTwoGroups(int[] y, int[] groups, int classes) {
    List<Set<Integer>> perClass = new ArrayList<>();
    for (int c = 0; c < classes; c++) {
      perClass.add(new HashSet<>());
    }
    for (int i = 0; i < y.length; i++) {
      perClass.get(y[i]).add(groups[i]);
    }
    return perClass.stream().allMatch(s -> s.size() >= 2);
  }

  private static void requireShape(double[][] w, int rows, int cols, String what) {
    if (w == null) {
      return;
    }
    if (w.length != rows || Arrays.stream(w).anyMatch(r -> r.length != cols || !finite(r))) {
      throw new IllegalArgumentException(what + " weights must be " + rows + " x " + cols + " finite values");
    }
  }

  private static boolean finite(double[] v) {
    return Arrays.stream(v).allMatch(Double::isFinite);
  }
}
