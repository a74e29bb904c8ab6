package io.foresight.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv1d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * The plain (non-causal) ResNet classifier's encoder, as users write it first: input Conv1d 1→C
 * (kernel 1) on each step's value, then residual blocks {@code relu(x + bn(conv(relu(bn(conv(x))))))}
 * of same-padded kernel-3 convolutions. Output: features (N, C, L) where every position sees both
 * sides, so it takes masked-step and contrastive objectives, never next-step.
 *
 * <p>Padding: same-padded convolutions would let padded steps bleed into the last real ones, so the
 * features are zeroed past each series' end after every convolution (the mask comes from the pad ids).
 * Batch statistics still count those zeros; batches bucket similar lengths to keep them few.
 */
final class ResNetEncoder extends AbstractBlock {

  private final int channels;
  private final int padId;
  private final Conv1d input;
  private final List<Conv1d> convolutions = new ArrayList<>();
  private final List<BatchNorm> norms = new ArrayList<>();

  ResNetEncoder(ModelConfig config, int padId) {
    super((byte) 1);
    this.channels = config.channels();
    this.padId = padId;
    input = addChildBlock("input", conv(1));
    for (int i = 0; i < 2 * config.blocks(); i++) {
      convolutions.add(addChildBlock("conv" + i, conv(config.kernel())));
      norms.add(addChildBlock("bn" + i, BatchNorm.builder().optAxis(1).build()));
    }
  }

  private Conv1d conv(int kernel) {
    return Conv1d.builder()
        .setKernelShape(new Shape(kernel))
        .setFilters(channels)
        .optPadding(new Shape(kernel / 2))
        .build();
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray mask = inputs.get(0).neq(padId).toType(DataType.FLOAT32, false).expandDims(1);
    NDArray x = inputs.get(1).expandDims(1);
    x = input.forward(store, new NDList(x), training).head().mul(mask);
    for (int i = 0; i < convolutions.size(); i += 2) {
      NDArray y = Activation.relu(step(store, i, x, mask, training));
      y = step(store, i + 1, y, mask, training);
      x = Activation.relu(x.add(y));
    }
    return new NDList(x);
  }

  /** conv, batch norm, then zero the padded steps. */
  private NDArray step(ParameterStore store, int i, NDArray x, NDArray mask, boolean training) {
    NDArray y = convolutions.get(i).forward(store, new NDList(x), training).head().mul(mask);
    return norms.get(i).forward(store, new NDList(y), training).head().mul(mask);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape ids = inputShapes[0];
    return new Shape[] {new Shape(ids.get(0), channels, ids.get(1))};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape ids = inputShapes[0];
    input.initialize(manager, dataType, new Shape(ids.get(0), 1, ids.get(1)));
    Shape features = new Shape(ids.get(0), channels, ids.get(1));
    for (int i = 0; i < convolutions.size(); i++) {
      convolutions.get(i).initialize(manager, dataType, features);
      norms.get(i).initialize(manager, dataType, features);
    }
  }
}
