package io.foresight.train;

import io.foresight.classify.FittedClassifier;
import io.foresight.learn.Inference;
import io.foresight.minirocket.MiniRocket;
import io.foresight.model.ForesightNet;
import io.foresight.model.Tokenizer.Tokens;
import io.foresight.wire.Window;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Fits the live classifier on the frozen features of the labelled windows: MiniRocket's (which need no
 * training, so the first classifier can be fitted before the encoder has learnt anything) and the
 * encoder's embedding as it stands, with {@link FittedClassifier#fit}.
 *
 * <p>MiniRocket is fitted without labels on the windows of the first fit and fitted again at later
 * fits while it has seen fewer than {@value #ROCKET_FIT_WINDOWS} windows and more are there, then
 * kept: its biases then come from a sample as large as {@code evaluate}'s on most UCR datasets. A
 * trainer resuming a checkpoint keeps that checkpoint's MiniRocket.
 *
 * <p>A window's MiniRocket features do not change while MiniRocket does not, so they are kept for the
 * windows of the last fit and computed only for new ones, one window after another: the scorer shares
 * these cores, and a parallel transform of every window at each refit starved it.
 */
final class LiveClassifier {

  /** Windows MiniRocket's biases are drawn from once it has settled. */
  static final int ROCKET_FIT_WINDOWS = 256;

  private MiniRocket rocket;
  private int rocketFittedOn;
  private Map<Window, float[]> features = new IdentityHashMap<>();

  /**
   * @param resumed the classifier of the checkpoint the trainer resumed, or null
   */
  LiveClassifier(FittedClassifier resumed) {
    if (resumed != null && resumed.rocket() != null) {
      rocket = resumed.rocket();
      rocketFittedOn = ROCKET_FIT_WINDOWS;
    }
  }

  /**
   * A classifier on labelled windows (a {@link LabelledWindows#fitSet}) and the net's embedding, or
   * null when they hold fewer than two classes. Called from one thread at a time.
   *
   * @param tokens how the net reads a window (null: it cannot, and the window is left out)
   */
  FittedClassifier fit(
      List<LabelledWindows.Example> examples, ForesightNet net, Function<Window, Tokens> tokens) {
    List<Window> chosen = new ArrayList<>();
    List<Tokens> encoded = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    List<String> entities = new ArrayList<>();
    for (LabelledWindows.Example example : examples) {
      Tokens t = tokens.apply(example.window());
      if (t != null) {
        chosen.add(example.window());
        encoded.add(t);
        labels.add(example.label());
        entities.add(example.window().entity());
      }
    }
    if (new HashSet<>(labels).size() < 2) {
      return null;
    }
    List<double[]> values = chosen.stream().map(Window::doubles).toList();
    if (rocket == null || (rocketFittedOn < ROCKET_FIT_WINDOWS && values.size() > rocketFittedOn)) {
      List<double[]> sample = values.subList(0, Math.min(values.size(), ROCKET_FIT_WINDOWS));
      rocket = MiniRocket.fit(sample, 0);
      rocketFittedOn = sample.size();
      features.clear();
    }
    Map<Window, float[]> kept = new IdentityHashMap<>();
    float[][] rocketFeatures = new float[chosen.size()][];
    for (int i = 0; i < rocketFeatures.length; i++) {
      Window w = chosen.get(i);
      float[] f = features.get(w);
      rocketFeatures[i] = f != null ? f : rocket.transform(values.get(i));
      kept.put(w, rocketFeatures[i]);
    }
    features = kept;
    float[][] embeddings = Inference.run(net, encoded).embeddings();
    return FittedClassifier.fit(rocket, rocketFeatures, embeddings, labels, entities);
  }
}
