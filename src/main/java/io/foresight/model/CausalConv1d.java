package io.foresight.model;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.convolutional.Conv1d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A dilated 1D convolution that sees only the past: the input is padded on the left by
 * {@code (kernel - 1) * dilation} steps, so output t depends on inputs t, t-d, t-2d... and never on a
 * later step. Shapes: (N, C, L) in and out.
 */
final class CausalConv1d extends AbstractBlock {

  private final int leftPad;
  private final Conv1d conv;

  CausalConv1d(int channels, int kernel, int dilation) {
    super((byte) 1);
    this.leftPad = (kernel - 1) * dilation;
    this.conv =
        addChildBlock(
            "conv",
            Conv1d.builder()
                .setKernelShape(new Shape(kernel))
                .setFilters(channels)
                .optDilation(new Shape(dilation))
                .optPadding(new Shape(0))
                .build());
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    // pad(Shape(left, right)) pads the last axis, which is time here.
    return conv.forward(store, new NDList(inputs.head().pad(new Shape(leftPad, 0), 0)), training);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return inputShapes;
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape in = inputShapes[0];
    conv.initialize(manager, dataType, new Shape(in.get(0), in.get(1), in.get(2) + leftPad));
  }
}
