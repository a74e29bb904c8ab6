package io.foresight.learn;

import io.foresight.model.Tokenizer;
import io.foresight.model.Tokenizer.Tokens;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The two views of TS2Vec's contextual consistency: two overlapping random crops of every series of a
 * batch, each with about half of its steps masked (the mask id, input 0), as TS2Vec masks timestamps.
 * Both crops have the same coordinates relative to a per-series offset, so every view in the batch has
 * the same length and no padding:
 *
 * <pre>
 *   series   ......[eleft ...... left ==== overlap ==== right ...... eright).......
 *   first          [eleft ................................ right)
 *   second                       [left ................................ eright)
 * </pre>
 *
 * The overlap holds the same steps seen in two contexts; the loss compares the two views' features
 * there.
 *
 * @param first view {@code [eleft, right)} of each series
 * @param second view {@code [left, eright)} of each series
 * @param firstOffset position of the overlap's first step in {@code first} ({@code left - eleft})
 * @param overlap overlap length, at least 2
 */
record CropPair(PaddedBatch first, PaddedBatch second, int firstOffset, int overlap) {

  /**
   * Longest stretch {@code [eleft, eright)} drawn: temporal contrast compares every pair of overlap
   * steps, so its memory grows with the square of the overlap.
   */
  static final int MAX_SPAN = 512;

  /** Share of the steps of each view that are masked. */
  static final double MASK_PROBABILITY = 0.5;

  /**
   * Draws the pair as TS2Vec does, within the shortest series of the batch (at least 2 steps long)
   * and at most {@link #MAX_SPAN} steps.
   *
   * @param series the (already cropped) series of one batch
   */
  static CropPair build(List<Tokens> series, Tokenizer tokenizer, Random random) {
    int shortest =
        Math.min(MAX_SPAN, series.stream().mapToInt(Tokens::length).min().orElseThrow());
    if (shortest < 2) {
      throw new IllegalArgumentException("hierarchical contrast needs series of at least 2 steps");
    }
    int overlap = 2 + random.nextInt(shortest - 1); // [2, shortest]
    int left = random.nextInt(shortest - overlap + 1);
    int right = left + overlap;
    int eleft = random.nextInt(left + 1);
    int eright = right + random.nextInt(shortest - right + 1);
    List<Tokens> firsts = new ArrayList<>();
    List<Tokens> seconds = new ArrayList<>();
    for (Tokens s : series) {
      // The crops slide together by an offset that keeps [eleft, eright) inside this series.
      int offset = random.nextInt(s.length() - (eright - eleft) + 1) - eleft;
      firsts.add(masked(Views.slice(s, offset + eleft, right - eleft), tokenizer.maskId(), random));
      seconds.add(masked(Views.slice(s, offset + left, eright - left), tokenizer.maskId(), random));
    }
    return new CropPair(
        PaddedBatch.of(firsts, tokenizer.padId()), PaddedBatch.of(seconds, tokenizer.padId()),
        left - eleft, overlap);
  }

  private static Tokens masked(Tokens view, int maskId, Random random) {
    int[] ids = view.ids().clone();
    float[] inputs = view.inputs().clone();
    for (int t = 0; t < ids.length; t++) {
      if (random.nextDouble() < MASK_PROBABILITY) {
        ids[t] = maskId;
        inputs[t] = 0;
      }
    }
    return new Tokens(ids, inputs, view.scale(), 0);
  }
}
