package io.foresight.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.recurrent.LSTM;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The temporal-contrastive recipe's encoder: a one-layer, batch-first LSTM reading one value per step
 * (the tokeniser's continuous input), hidden size {@code channels}. Output: the hidden state at every
 * step as features (N, H, L). It is causal by construction, so padding at the end of a shorter series
 * never reaches its real steps: masking then gives what packing would.
 */
final class LstmEncoder extends AbstractBlock {

  private final int hidden;
  private final LSTM lstm;

  LstmEncoder(ModelConfig config) {
    super((byte) 1);
    this.hidden = config.channels();
    lstm =
        addChildBlock(
            "lstm",
            LSTM.builder()
                .setStateSize(hidden)
                .setNumLayers(1)
                .optBatchFirst(true)
                .optReturnState(false)
                .build());
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray values = inputs.get(1).expandDims(2);
    NDArray out = lstm.forward(store, new NDList(values), training).head();
    return new NDList(out.transpose(0, 2, 1));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape ids = inputShapes[0];
    return new Shape[] {new Shape(ids.get(0), hidden, ids.get(1))};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape ids = inputShapes[0];
    lstm.initialize(manager, dataType, new Shape(ids.get(0), ids.get(1), 1));
  }
}
