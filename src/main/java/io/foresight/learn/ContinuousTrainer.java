package io.foresight.learn;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.foresight.model.ForesightNet;
import io.foresight.model.ModelConfig;
import io.foresight.model.Tokenizer;
import io.foresight.model.Tokenizer.Tokens;
import io.foresight.wire.Checkpoint;
import io.foresight.wire.Label;
import io.foresight.wire.Window;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;

/**
 * Training that never ends: windows and labels arrive as they come, and each {@link #step} takes one
 * optimiser step on a batch drawn from the {@link ReplayBuffer} with the self-supervised objective
 * (next-step by default) plus, once labelled windows of at least two classes exist and after the first
 * {@value #CLASSIFIER_AFTER_STEPS} steps, the classification loss of a batch of labelled windows.
 * Encoder and classifier learn together, so the classifier's features keep improving with the
 * unlabelled stream.
 *
 * <p>Classes are the label names seen so far, sorted. When a new class arrives the classifier head is
 * rebuilt with one more output (encoder and pretext heads kept), so a checkpoint's class list always
 * matches its head. Not thread-safe: one thread feeds and trains it.
 *
 * <p>Divergence: a step whose loss is not finite changes nothing ({@link Optimization}); if the weights
 * themselves have turned NaN or infinite (a run that blew up before its loss did), the trainer rolls
 * back to its last good weights (those it started from, or of its last checkpoint whose weights were
 * all finite) with a fresh optimiser, and counts it in {@link #rollbacks()}. {@link #checkpoint} refuses
 * non-finite weights, so a diverged model is never published.
 */
public final class ContinuousTrainer implements AutoCloseable {

  /**
   * @param objective the self-supervised objective trained on every step
   * @param options batch size, crop, learning rate, masking, temperature, seed
   * @param bufferSteps capacity of the replay buffer, in steps (8 bytes each)
   * @param labelledCapacity labelled windows kept at most, newest first
   */
  public record Settings(
      Objective objective, TrainingOptions options, long bufferSteps, int labelledCapacity) {

    public static Settings defaults() {
      return new Settings(Objective.NEXT_STEP, TrainingOptions.defaults(), 2_000_000, 10_000);
    }
  }

  /** What one step did; {@code classifierLoss} is NaN when no classifier was trained. */
  public record StepResult(float pretextLoss, float classifierLoss, int windows, int labelledWindows) {}

  /**
   * Label smoothing of the classifier loss. Without it the few labelled windows are soon separated
   * and the loss keeps growing the logits, and with them the encoder's gradients: on GunPoint the
   * joint loss spiked (pretext loss 0.5 to 8 within 25 steps) and a demo run diverged to NaN, while
   * the same run without labels trained smoothly.
   */
  static final float LABEL_SMOOTHING = 0.1f;

  /**
   * Steps of this trainer that train the self-supervised objective alone before the classifier loss
   * joins. With both from the first step, a fresh GunPoint model stayed near the uniform loss on
   * both objectives in 3 of 6 initialisations (pretext 4.0 to 4.3 after 50 steps, against 0.8 without
   * labels); starting the classifier at step 50 trained all six (pretext 0.44 to 0.52 at step 150).
   */
  static final int CLASSIFIER_AFTER_STEPS = 50;

  private final Settings settings;
  private final Tokenizer tokenizer;
  private final Random random;
  private final ReplayBuffer buffer;
  private final LabelBook labels = new LabelBook();
  private final ArrayDeque<ReplayBuffer.Entry> labelled = new ArrayDeque<>();
  private final TreeSet<String> seenClasses = new TreeSet<>();
  private ForesightNet net;
  private List<String> classNames;
  private Optimization optimization;
  /** The last weights known finite, and their classes: where a diverged run rolls back to. */
  private Map<String, byte[]> lastGood;
  private List<String> lastGoodClasses;
  private long rollbacks;
  private long steps;
  private long windowsSeen;
  private long windowsRejected;
  private double trainingSeconds;

  /**
   * Continues from a net (fresh, or rebuilt from the latest published checkpoint); the trainer owns and
   * closes it.
   *
   * @param classNames the net's classifier classes, in output order; empty without a classifier
   */
  public ContinuousTrainer(ForesightNet net, List<String> classNames, Settings settings) {
    Pretrainer.requireSupported(net.config(), settings.objective());
    if (classNames.size() != net.config().numClasses()) {
      throw new IllegalArgumentException("class names do not match the classifier head");
    }
    this.net = net;
    this.classNames = List.copyOf(classNames);
    this.seenClasses.addAll(classNames);
    this.settings = settings;
    this.tokenizer = net.tokenizer();
    this.random = new Random(settings.options().seed());
    this.buffer = new ReplayBuffer(settings.bufferSteps());
    this.optimization = trainable(net, settings);
    this.lastGood = net.saveSections();
    this.lastGoodClasses = this.classNames;
  }

  /**
   * An optimiser over every part of the net. Parameters loaded from a checkpoint come without
   * gradients attached, so they are unfrozen first.
   */
  private static Optimization trainable(ForesightNet net, Settings settings) {
    for (ai.djl.nn.Block part : net.parts()) {
      part.freezeParameters(false, ClassifierTrainer::trainable);
    }
    return new Optimization(net, settings.options().learningRate());
  }

  public static ContinuousTrainer fresh(ModelConfig config, Tokenizer tokenizer, Settings settings) {
    return new ContinuousTrainer(ForesightNet.create(config.withClasses(0), tokenizer), List.of(), settings);
  }

  /** Resumes from a checkpoint's weights and classes. */
  public static ContinuousTrainer resume(Checkpoint checkpoint, Settings settings)
      throws MalformedModelException {
    return new ContinuousTrainer(checkpoint.toNet(), checkpoint.classNames(), settings);
  }

  /**
   * Buffers a window.
   *
   * @return false when the window cannot be tokenised (a value outside the tokeniser's range): it is
   *     counted and skipped; ingest normally keeps such values out
   */
  public boolean addWindow(Window window) {
    Tokens tokens;
    try {
      tokens = tokenizer.encode(window.doubles(), Tokenizer.OutOfRange.ERROR);
    } catch (IllegalArgumentException e) {
      windowsRejected++;
      return false;
    }
    if (tokens.length() < 2) {
      windowsRejected++;
      return false;
    }
    windowsSeen++;
    ReplayBuffer.Entry entry = buffer.add(window.entity(), window.startTs(), window.endTs(), tokens);
    String label = labels.labelOf(window.entity(), window.startTs(), window.endTs());
    if (label != null) {
      markLabelled(entry, label);
    }
    return true;
  }

  /** Records a label and labels the buffered windows it covers. */
  public void addLabel(String entity, Label label) {
    labels.add(entity, label);
    for (Iterator<ReplayBuffer.Entry> it = buffer.iterator(); it.hasNext(); ) {
      ReplayBuffer.Entry entry = it.next();
      if (entry.entity.equals(entity) && label.covers(entry.startTs, entry.endTs)) {
        markLabelled(entry, label.label());
      }
    }
  }

  private void markLabelled(ReplayBuffer.Entry entry, String label) {
    if (entry.label == null) {
      labelled.addLast(entry);
      while (labelled.size() > settings.labelledCapacity()) {
        labelled.removeFirst();
      }
    }
    entry.label = label;
    seenClasses.add(label);
  }

  public boolean canStep() {
    return buffer.windows() > 0;
  }

  /** One optimiser step; call only when {@link #canStep()}. */
  public StepResult step() {
    long start = System.nanoTime();
    growClassifierIfNeeded();
    TrainingOptions options = settings.options();
    List<Tokens> unlabelled = tokensOf(buffer.sample(batchSize(), random));
    PretextBatch pretext =
        PretextBatch.build(unlabelled, settings.objective(), options, tokenizer, random);
    PaddedBatch classified = null;
    int[] targets = null;
    if (net.hasClassifier() && !labelled.isEmpty() && steps >= CLASSIFIER_AFTER_STEPS) {
      List<ReplayBuffer.Entry> chosen = sampleLabelled(batchSize());
      List<Tokens> crops = new ArrayList<>(chosen.size());
      targets = new int[chosen.size()];
      for (int i = 0; i < chosen.size(); i++) {
        crops.add(Views.crop(chosen.get(i).tokens, options.maxCrop(), random));
        targets[i] = classNames.indexOf(chosen.get(i).label);
      }
      classified = PaddedBatch.of(crops, tokenizer.padId());
    }
    float[] parts = {0, Float.NaN};
    PaddedBatch labelledBatch = classified;
    int[] labelledTargets = targets;
    optimization.step(
        (scope, store) -> {
          NDArray pretextLoss = Pretrainer.loss(net, pretext, settings.objective(), options, scope, store);
          parts[0] = pretextLoss.getFloat();
          if (labelledBatch == null) {
            return pretextLoss;
          }
          NDArray features =
              net.features(store, labelledBatch.ids(scope), labelledBatch.inputs(scope), true);
          NDArray logits = net.classLogits(store, net.embed(features, labelledBatch.mask(scope)), true);
          NDArray target =
              scope
                  .create(labelledTargets, new Shape(labelledTargets.length))
                  .toType(DataType.INT64, false);
          NDArray classLoss = Losses.smoothedClassification(logits, target, LABEL_SMOOTHING);
          parts[1] = classLoss.getFloat();
          return pretextLoss.add(classLoss);
        });
    steps++;
    if (!Float.isFinite(parts[0]) || (labelledBatch != null && !Float.isFinite(parts[1]))) {
      rollBackIfDiverged();
    }
    trainingSeconds += (System.nanoTime() - start) / 1e9;
    return new StepResult(
        parts[0], parts[1], unlabelled.size(), labelledBatch == null ? 0 : labelledBatch.size());
  }

  /** Windows per batch: the configured size, fewer when long windows would exceed the step cap. */
  private int batchSize() {
    TrainingOptions options = settings.options();
    return Math.max(1, Math.min(options.batchSize(), options.maxBatchSteps() / options.maxCrop()));
  }

  /** Labelled windows drawn with equal weight per class, so a rare class is not drowned out. */
  private List<ReplayBuffer.Entry> sampleLabelled(int n) {
    Map<String, List<ReplayBuffer.Entry>> byClass = new HashMap<>();
    for (ReplayBuffer.Entry entry : labelled) {
      byClass.computeIfAbsent(entry.label, k -> new ArrayList<>()).add(entry);
    }
    List<List<ReplayBuffer.Entry>> classes = new ArrayList<>(byClass.values());
    List<ReplayBuffer.Entry> chosen = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      List<ReplayBuffer.Entry> members = classes.get(random.nextInt(classes.size()));
      chosen.add(members.get(random.nextInt(members.size())));
    }
    return chosen;
  }

  /**
   * Rebuilds the net with a classifier over every class seen so far, once there are two: the encoder
   * and pretext heads carry over; the new head starts fresh, and so does the optimiser's state.
   */
  private void growClassifierIfNeeded() {
    if (seenClasses.size() < 2 || seenClasses.size() == classNames.size()) {
      return;
    }
    Map<String, byte[]> sections = new LinkedHashMap<>(net.saveSections());
    sections.remove(ForesightNet.CLASSIFIER_HEAD);
    replaceNet(sections, List.copyOf(seenClasses));
  }

  /** After a non-finite loss: when the weights are no longer finite, goes back to the last good ones. */
  private void rollBackIfDiverged() {
    if (net.firstNonFiniteParameter() == null) {
      return; // one bad batch: its update was skipped, the weights are fine
    }
    replaceNet(lastGood, lastGoodClasses);
    rollbacks++;
  }

  /**
   * Swaps in a net of the same architecture with a classifier over {@code classes}, loaded from the
   * trainer's own {@code sections} (a part without a section starts fresh), and a fresh optimiser.
   */
  private void replaceNet(Map<String, byte[]> sections, List<String> classes) {
    ForesightNet replacement;
    try {
      replacement = ForesightNet.fromSections(net.config().withClasses(classes.size()), tokenizer, sections);
    } catch (MalformedModelException e) {
      throw new IllegalStateException("the trainer's own parameters must load into its architecture", e);
    }
    net.close();
    net = replacement;
    classNames = classes;
    optimization = trainable(net, settings);
  }

  private static List<Tokens> tokensOf(List<ReplayBuffer.Entry> entries) {
    List<Tokens> tokens = new ArrayList<>(entries.size());
    for (ReplayBuffer.Entry entry : entries) {
      tokens.add(entry.tokens);
    }
    return tokens;
  }

  /**
   * The current weights as a checkpoint, with the trainer's figures added to {@code metrics}; they
   * become the weights a later divergence rolls back to.
   *
   * @throws IllegalStateException when a weight is NaN or infinite (never published)
   */
  public Checkpoint checkpoint(long modelVersion, Map<String, Double> metrics) {
    String nonFinite = net.firstNonFiniteParameter();
    if (nonFinite != null) {
      throw new IllegalStateException("the weights are not finite (" + nonFinite + "); not a checkpoint");
    }
    Map<String, Double> all = new LinkedHashMap<>(metrics);
    all.put("steps", (double) steps);
    all.put("windowsSeen", (double) windowsSeen);
    all.put("labelledWindows", (double) labelled.size());
    all.put("bufferWindows", (double) buffer.windows());
    all.put("trainingSeconds", trainingSeconds);
    all.put("rollbacks", (double) rollbacks);
    Checkpoint checkpoint = Checkpoint.of(net, modelVersion, classNames, all);
    lastGood = checkpoint.sections();
    lastGoodClasses = classNames;
    return checkpoint;
  }

  /** Times the weights diverged and were rolled back to the last good ones. */
  public long rollbacks() {
    return rollbacks;
  }

  public long steps() {
    return steps;
  }

  public long windowsSeen() {
    return windowsSeen;
  }

  public long windowsRejected() {
    return windowsRejected;
  }

  public int labelledWindows() {
    return labelled.size();
  }

  public List<String> classNames() {
    return classNames;
  }

  public ReplayBuffer buffer() {
    return buffer;
  }

  public ForesightNet net() {
    return net;
  }

  @Override
  public void close() {
    net.close();
  }
}
