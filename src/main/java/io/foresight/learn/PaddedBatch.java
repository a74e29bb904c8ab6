package io.foresight.learn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.foresight.model.Tokenizer.Tokens;
import java.util.List;

/**
 * Series of different lengths padded to the longest, as flat row-major arrays ready for DJL.
 *
 * @param ids class per step, {@code padId} past each series' end
 * @param inputs continuous input per step, 0 past the end
 * @param mask 1 for real steps, 0 for padding
 * @param nextTargets class of the following step (0 where there is none)
 * @param nextWeights 1 where a following real step exists (not padding, not a gap), else 0: the
 *     next-step loss averages over these
 */
record PaddedBatch(
    int size,
    int length,
    int[] ids,
    float[] inputs,
    float[] mask,
    int[] nextTargets,
    float[] nextWeights) {

  static PaddedBatch of(List<Tokens> series, int padId) {
    int n = series.size();
    int length = 1;
    for (Tokens s : series) {
      length = Math.max(length, s.length());
    }
    int[] ids = new int[n * length];
    float[] inputs = new float[n * length];
    float[] mask = new float[n * length];
    int[] nextTargets = new int[n * length];
    float[] nextWeights = new float[n * length];
    java.util.Arrays.fill(ids, padId);
    for (int row = 0; row < n; row++) {
      Tokens s = series.get(row);
      int offset = row * length;
      System.arraycopy(s.ids(), 0, ids, offset, s.length());
      System.arraycopy(s.inputs(), 0, inputs, offset, s.length());
      for (int t = 0; t < s.length(); t++) {
        mask[offset + t] = 1;
        // A gap (the mask id, which is padId - 1) is no class to predict.
        if (t + 1 < s.length() && s.ids()[t + 1] < padId - 1) {
          nextTargets[offset + t] = s.ids()[t + 1];
          nextWeights[offset + t] = 1;
        }
      }
    }
    return new PaddedBatch(n, length, ids, inputs, mask, nextTargets, nextWeights);
  }

  Shape shape() {
    return new Shape(size, length);
  }

  NDArray ids(NDManager manager) {
    return manager.create(ids, shape());
  }

  NDArray inputs(NDManager manager) {
    return manager.create(inputs, shape());
  }

  NDArray mask(NDManager manager) {
    return manager.create(mask, shape());
  }

  NDArray nextTargets(NDManager manager) {
    return manager.create(nextTargets, shape()).toType(DataType.INT64, false);
  }

  NDArray nextWeights(NDManager manager) {
    return manager.create(nextWeights, shape());
  }
}
