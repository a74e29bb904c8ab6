package io.foresight.learn;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import ai.djl.training.LocalParameterServer;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.foresight.model.ForesightNet;
import io.foresight.model.Tokenizer.Tokens;
import java.util.ArrayList;
import java.util.List;

/**
 * The reference {@code bench train} measures {@link Pretrainer} against: the same model's forward,
 * next-step loss, backward and Adam update on batches padded once, up front, with none of the real
 * loop's bucketing, cropping or per-step batch building. What the real loop costs beyond this is what
 * its data path costs.
 */
public final class BareTrainingLoop {

  private final ForesightNet net;
  private final List<PaddedBatch> prepared = new ArrayList<>();

  /** Pads {@code windows} into batches of {@code batch} (the last partial one left out). */
  public BareTrainingLoop(ForesightNet net, List<Tokens> windows, int batch) {
    this.net = net;
    for (int i = 0; i + batch <= windows.size(); i += batch) {
      prepared.add(PaddedBatch.of(windows.subList(i, i + batch), net.tokenizer().padId()));
    }
  }

  /**
   * Trains {@code steps} steps, cycling through the batches, with a fresh optimiser; returns windows/s
   * from the first step (the batches' arrays are built before it).
   */
  public double windowsPerSecond(int steps) {
    Optimizer adam =
        Optimizer.adam().optLearningRateTracker(Tracker.fixed(1e-3f)).optClipGrad(1f).build();
    ParameterStore store = new ParameterStore(net.manager(), false);
    store.setParameterServer(
        new LocalParameterServer(adam), new Device[] {net.manager().getDevice()});
    try (NDManager data = net.manager().newSubManager()) {
      List<NDList> batches = new ArrayList<>();
      for (PaddedBatch b : prepared) {
        batches.add(
            new NDList(b.ids(data), b.inputs(data), b.nextTargets(data), b.nextWeights(data)));
      }
      long windows = 0;
      long start = System.nanoTime();
      for (int step = 0; step < steps; step++) {
        NDList b = batches.get(step % batches.size());
        try (NDManager scope = net.manager().newSubManager();
            GradientCollector collector = Engine.getInstance().newGradientCollector()) {
          // Intermediates land in the manager of their inputs: lend the batch to the step's scope so
          // they are freed with it, and the batch returns to `data` afterwards.
          scope.tempAttachAll(b);
          NDArray features = net.features(store, b.get(0), b.get(1), true);
          NDArray loss =
              Losses.weightedMean(
                  Losses.stepNll(net.nextLogits(store, features, true), b.get(2)), b.get(3));
          loss.getFloat();
          collector.backward(loss);
        }
        store.updateAllParameters();
        windows += b.get(0).getShape().get(0);
      }
      return windows / ((System.nanoTime() - start) / 1e9);
    }
  }
}
