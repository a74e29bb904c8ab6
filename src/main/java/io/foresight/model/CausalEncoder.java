package io.foresight.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * Causal, dilated, residual 1D CNN. Input: class ids (N, L) int32 and continuous inputs (N, L) float32
 * from the {@link Tokenizer}. Each step is embedded from its one-hot class and its continuous value, then
 * passes {@code blocks} residual blocks with dilations 1, 2, 4, ... Output: features (N, C, L), where
 * position t has seen steps 0..t only. Padding sits at the end of shorter series, so by causality it
 * never reaches a real step's features; pooling and losses mask it out.
 */
public final class CausalEncoder extends AbstractBlock {

  private final int inputVocabulary;
  private final int channels;
  private final Linear embed;
  private final List<ResidualBlock> residuals = new ArrayList<>();

  public CausalEncoder(ModelConfig config, int inputVocabulary) {
    super((byte) 1);
    this.inputVocabulary = inputVocabulary;
    this.channels = config.channels();
    embed = addChildBlock("embed", Linear.builder().setUnits(channels).build());
    for (int i = 0; i < config.blocks(); i++) {
      residuals.add(
          addChildBlock("block" + i, new ResidualBlock(channels, config.kernel(), 1 << i)));
    }
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray ids = inputs.get(0);
    NDArray values = inputs.get(1);
    NDArray stepFeatures =
        ids.oneHot(inputVocabulary, DataType.FLOAT32).concat(values.expandDims(2), 2);
    NDArray x = embed.forward(store, new NDList(stepFeatures), training).head().transpose(0, 2, 1);
    for (ResidualBlock block : residuals) {
      x = block.forward(store, new NDList(x), training).head();
    }
    return new NDList(x);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape ids = inputShapes[0];
    return new Shape[] {new Shape(ids.get(0), channels, ids.get(1))};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape ids = inputShapes[0];
    embed.initialize(manager, dataType, new Shape(ids.get(0), ids.get(1), inputVocabulary + 1));
    Shape features = new Shape(ids.get(0), channels, ids.get(1));
    for (ResidualBlock block : residuals) {
      block.initialize(manager, dataType, features);
    }
  }
}
