package io.foresight.learn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.foresight.model.Tokenizer;
import io.foresight.model.Tokenizer.Tokens;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The two views of a pretraining batch. The plain view feeds next-step prediction; the masked view
 * (span-masked) feeds masked-step prediction; temporal contrast pulls the pooled embeddings of a series'
 * two views together. With contrast on, the views are two overlapping random crops of each series.
 * Hierarchical contrast has its own pair of views ({@link CropPair}).
 *
 * @param plain the plain view, or null when the objective does not read it
 * @param masked the masked view, or null when the objective does not read it
 * @param maskedTargets original class of each hidden step of the masked view (0 elsewhere)
 * @param maskedWeights 1 for hidden real steps of the masked view, else 0
 * @param pair the views of hierarchical contrast, or null when the objective has none
 */
record PretextBatch(
    PaddedBatch plain, PaddedBatch masked, int[] maskedTargets, float[] maskedWeights,
    CropPair pair) {

  static PretextBatch build(
      List<Tokens> series,
      Objective objective,
      TrainingOptions options,
      Tokenizer tokenizer,
      Random random) {
    boolean contrast = objective.contrastiveWeight() > 0;
    List<Tokens> plainViews = new ArrayList<>();
    List<Views.Masked> maskedViews = new ArrayList<>();
    List<Tokens> crops = new ArrayList<>();
    for (Tokens s : series) {
      Tokens crop = Views.crop(s, options.maxCrop(), random);
      crops.add(crop);
      if (objective.needsPlainView()) {
        plainViews.add(contrast ? Views.subCrop(crop, random) : crop);
      }
      if (objective.needsMaskedView()) {
        Tokens source = contrast ? Views.subCrop(crop, random) : crop;
        maskedViews.add(
            Views.mask(
                source, options.maskRatio(), options.maskSpan(), tokenizer.maskId(), random));
      }
    }
    PaddedBatch plain = plainViews.isEmpty() ? null : PaddedBatch.of(plainViews, tokenizer.padId());
    CropPair pair =
        objective.hierarchicalWeight() > 0 ? CropPair.build(crops, tokenizer, random) : null;
    if (maskedViews.isEmpty()) {
      return new PretextBatch(plain, null, null, null, pair);
    }
    PaddedBatch masked =
        PaddedBatch.of(maskedViews.stream().map(Views.Masked::view).toList(), tokenizer.padId());
    int[] targets = new int[masked.size() * masked.length()];
    float[] weights = new float[targets.length];
    for (int row = 0; row < maskedViews.size(); row++) {
      Views.Masked view = maskedViews.get(row);
      for (int t = 0; t < view.hidden().length; t++) {
        // A hidden gap has no class to recover.
        if (view.hidden()[t] && view.originalIds()[t] < tokenizer.maskId()) {
          targets[row * masked.length() + t] = view.originalIds()[t];
          weights[row * masked.length() + t] = 1;
        }
      }
    }
    return new PretextBatch(plain, masked, targets, weights, pair);
  }

  int size() {
    return plain != null ? plain.size() : masked != null ? masked.size() : pair.first().size();
  }

  NDArray maskedTargets(NDManager manager) {
    return manager.create(maskedTargets, masked.shape()).toType(DataType.INT64, false);
  }

  NDArray maskedWeights(NDManager manager) {
    return manager.create(maskedWeights, masked.shape());
  }
}
