package io.foresight.learn;

import ai.djl.MalformedModelException;
import io.foresight.model.ForesightNet;
import io.foresight.model.ModelConfig;
import io.foresight.model.Tokenizer;
import io.foresight.model.Tokenizer.Tokens;
import io.foresight.wire.Checkpoint;
import io.foresight.wire.Window;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Self-supervised training that never ends: windows arrive as they come, and each {@link #step} takes
 * one optimiser step on a batch drawn from the {@link ReplayBuffer} with the self-supervised objective
 * (next-step by default). Labels play no part here: the live classifier is fitted on the frozen
 * features of the net this trainer keeps improving (the {@code train} package), because training a
 * classifier head jointly with the encoder on a few labelled windows damaged the encoder (the
 * next-step loss rose from 2.56 to 7.84 within 18 steps in the demo) and published heads that had
 * never been fitted.
 *
 * <p>Not thread-safe: one thread feeds and trains it.
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
   * @param bufferSteps capacity of the replay buffer, in steps
   */
  public record Settings(Objective objective, TrainingOptions options, long bufferSteps) {

    public static Settings defaults() {
      return new Settings(Objective.NEXT_STEP, TrainingOptions.defaults(), 2_000_000);
    }
  }

  /** What one step did. */
  public record StepResult(float pretextLoss, int windows) {}

  private final Settings settings;
  private final Tokenizer tokenizer;
  private final Random random;
  private final ReplayBuffer buffer;
  private ForesightNet net;
  private Optimization optimization;
  /** The last weights known finite: where a diverged run rolls back to. */
  private Map<String, byte[]> lastGood;
  private long rollbacks;
  private long steps;
  private long windowsSeen;
  private long windowsRejected;
  private double trainingSeconds;

  /**
   * Continues from a net without a classifier head (fresh, or rebuilt from the latest published
   * checkpoint); the trainer owns and closes it.
   */
  public ContinuousTrainer(ForesightNet net, Settings settings) {
    Pretrainer.requireSupported(net.config(), settings.objective());
    if (net.hasClassifier()) {
      throw new IllegalArgumentException("the continuous trainer trains no classifier head");
    }
    this.net = net;
    this.settings = settings;
    this.tokenizer = net.tokenizer();
    this.random = new Random(settings.options().seed());
    this.buffer = new ReplayBuffer(settings.bufferSteps());
    this.optimization = trainable(net, settings);
    this.lastGood = net.saveSections();
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
    return new ContinuousTrainer(ForesightNet.create(config.withClasses(0), tokenizer), settings);
  }

  /**
   * Resumes from a checkpoint's weights. A classifier head in it (an offline {@code finetune}) is left
   * behind: the live classifier is fitted on frozen features instead.
   */
  public static ContinuousTrainer resume(Checkpoint checkpoint, Settings settings)
      throws MalformedModelException {
    Map<String, byte[]> sections = new LinkedHashMap<>(checkpoint.sections());
    sections.remove(ForesightNet.CLASSIFIER_HEAD);
    ForesightNet net =
        ForesightNet.fromSections(checkpoint.config().withClasses(0), checkpoint.tokenizer(), sections);
    return new ContinuousTrainer(net, settings);
  }

  /**
   * Buffers a window.
   *
   * @return false when the window cannot be tokenised (a value outside the tokeniser's range, or fewer
   *     than two steps): it is counted and skipped; ingest normally keeps such values out
   */
  public boolean addWindow(Window window) {
    Tokens tokens = tokensOf(window);
    if (tokens == null) {
      windowsRejected++;
      return false;
    }
    windowsSeen++;
    buffer.add(window.entity(), window.startTs(), window.endTs(), tokens);
    return true;
  }

  /** The window as the net reads it, or null when it cannot be tokenised or is shorter than two steps. */
  public Tokens tokensOf(Window window) {
    return tokensOf(tokenizer, window);
  }

  /** The window as {@code tokenizer} reads it, or null (out of range, or shorter than two steps). */
  public static Tokens tokensOf(Tokenizer tokenizer, Window window) {
    try {
      Tokens tokens = tokenizer.encode(window.doubles(), Tokenizer.OutOfRange.ERROR);
      return tokens.length() < 2 ? null : tokens;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  public boolean canStep() {
    return buffer.windows() > 0;
  }

  /** One optimiser step; call only when {@link #canStep()}. */
  public StepResult step() {
    long start = System.nanoTime();
    TrainingOptions options = settings.options();
    List<Tokens> batch = tokensOf(buffer.sample(batchSize(), random));
    PretextBatch pretext = PretextBatch.build(batch, settings.objective(), options, tokenizer, random);
    float[] loss = {Float.NaN};
    optimization.step(
        (scope, store) -> {
          var pretextLoss = Pretrainer.loss(net, pretext, settings.objective(), options, scope, store);
          loss[0] = pretextLoss.getFloat();
          return pretextLoss;
        });
    steps++;
    if (!Float.isFinite(loss[0])) {
      rollBackIfDiverged();
    }
    trainingSeconds += (System.nanoTime() - start) / 1e9;
    return new StepResult(loss[0], batch.size());
  }

  /** Windows per batch: the configured size, fewer when long windows would exceed the step cap. */
  private int batchSize() {
    TrainingOptions options = settings.options();
    return Math.max(1, Math.min(options.batchSize(), options.maxBatchSteps() / options.maxCrop()));
  }

  /** After a non-finite loss: when the weights are no longer finite, goes back to the last good ones. */
  private void rollBackIfDiverged() {
    if (net.firstNonFiniteParameter() == null) {
      return; // one bad batch: its update was skipped, the weights are fine
    }
    ForesightNet replacement;
    try {
      replacement = ForesightNet.fromSections(net.config(), tokenizer, lastGood);
    } catch (MalformedModelException e) {
      throw new IllegalStateException("the trainer's own parameters must load into its architecture", e);
    }
    net.close();
    net = replacement;
    optimization = trainable(net, settings);
    rollbacks++;
  }

  private static List<Tokens> tokensOf(List<ReplayBuffer.Entry> entries) {
    List<Tokens> tokens = new ArrayList<>(entries.size());
    for (ReplayBuffer.Entry entry : entries) {
      tokens.add(entry.tokens);
    }
    return tokens;
  }

  /**
   * The current weights as a checkpoint without a classifier, with the trainer's figures added to
   * {@code metrics}; they become the weights a later divergence rolls back to.
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
    all.put("bufferWindows", (double) buffer.windows());
    all.put("trainingSeconds", trainingSeconds);
    all.put("rollbacks", (double) rollbacks);
    Checkpoint checkpoint = Checkpoint.of(net, modelVersion, List.of(), all);
    lastGood = checkpoint.sections();
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

  public ReplayBuffer buffer() {
    return buffer;
  }

  /** The net as it stands: its frozen features are what the live classifier is fitted on. */
  public ForesightNet net() {
    return net;
  }

  @Override
  public void close() {
    net.close();
  }
}
