package io.foresight.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The seed's residual block made causal: {@code x + conv(gelu(conv(gelu(x))))} with two causal
 * convolutions of one dilation. No batch or layer norm: batch statistics would mix future and padded
 * steps into every position (as in TS2Vec's encoder, plain residual convolutions train stably here).
 */
final class ResidualBlock extends AbstractBlock {

  private final CausalConv1d first;
  private final CausalConv1d second;

  ResidualBlock(int channels, int kernel, int dilation) {
    super((byte) 1);
    first = addChildBlock("conv1", new CausalConv1d(channels, kernel, dilation));
    second = addChildBlock("conv2", new CausalConv1d(channels, kernel, dilation));
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.head();
    NDArray y = first.forward(store, new NDList(Activation.gelu(x)), training).head();
    y = second.forward(store, new NDList(Activation.gelu(y)), training).head();
    return new NDList(x.add(y));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return inputShapes;
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    first.initialize(manager, dataType, inputShapes);
    second.initialize(manager, dataType, inputShapes);
  }
}
