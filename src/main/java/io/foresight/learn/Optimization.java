package io.foresight.learn;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import ai.djl.training.LocalParameterServer;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.foresight.model.ForesightNet;
import java.util.function.BiFunction;

/**
 * One optimiser over a {@link ForesightNet}: each {@link #step} opens the JVM's one gradient collector,
 * computes a loss in a per-step manager that is closed afterwards, and updates every parameter the loss
 * touched (unused heads and frozen parameters are left alone).
 */
final class Optimization {

  private final ForesightNet net;
  private final ParameterStore store;

  Optimization(ForesightNet net, float learningRate) {
    this.net = net;
    Optimizer adam =
        Optimizer.adam()
            .optLearningRateTracker(Tracker.fixed(learningRate))
            .optClipGrad(1f)
            .build();
    this.store = new ParameterStore(net.manager(), false);
    Device device = net.manager().getDevice();
    store.setParameterServer(new LocalParameterServer(adam), new Device[] {device});
  }

  /**
   * Runs one step and returns its loss; {@code loss} builds its arrays in the manager it is given. A
   * step whose loss is not finite changes nothing: one bad batch must not turn every weight into NaN.
   */
  float step(BiFunction<NDManager, ParameterStore, NDArray> loss) {
    float value;
    try (NDManager scope = net.manager().newSubManager();
        GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      NDArray total = loss.apply(scope, store);
      value = total.getFloat();
      if (!Float.isFinite(value)) {
        return value;
      }
      collector.backward(total);
    }
    // DJL's optimiser update also zeroes each gradient (checked on PyTorch 2.5.1), so none carries over.
    store.updateAllParameters();
    return value;
  }

  ParameterStore store() {
    return store;
  }
}
