package io.foresight.learn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

/**
 * The losses, written against DJL arrays. Every per-step loss takes a weight per step so that padding
 * (weight 0) never counts.
 */
final class Losses {

  private Losses() {}

  /**
   * Negative log-likelihood of each step's target class.
   *
   * @param logits (N, L, V)
   * @param targets (N, L) int64
   * @return (N, L)
   */
  static NDArray stepNll(NDArray logits, NDArray targets) {
    return logits.logSoftmax(2).gather(targets.expandDims(2), 2).squeeze(2).neg();
  }

  /** Mean of {@code values} over the steps whose weight is 1. */
  static NDArray weightedMean(NDArray values, NDArray weights) {
    return values.mul(weights).sum().div(weights.sum().maximum(1f));
  }

  /** Per-row mean of {@code values} over weighted steps: (N, L) to (N). */
  static NDArray rowMean(NDArray values, NDArray weights) {
    return values.mul(weights).sum(new int[] {1}).div(weights.sum(new int[] {1}).maximum(1f));
  }

  /**
   * NT-Xent / InfoNCE over two views: row i of {@code a} and row i of {@code b} are positives, every
   * other row of either view is a negative; cosine similarity over {@code temperature}.
   *
   * @param a (N, D) projections of the first views
   * @param b (N, D) projections of the second views
   */
  static NDArray infoNce(NDArray a, NDArray b, float temperature) {
    NDManager manager = a.getManager();
    long n = a.getShape().get(0);
    NDArray z = a.concat(b, 0);
    z = z.div(z.square().sum(new int[] {1}, true).sqrt().maximum(1e-8f));
    NDArray self = manager.eye((int) (2 * n));
    NDArray similarity = z.matMul(z.transpose()).div(temperature).sub(self.mul(1e9f));
    NDArray eye = manager.eye((int) n);
    NDArray zeros = manager.zeros(eye.getShape(), DataType.FLOAT32);
    NDArray positives = zeros.concat(eye, 1).concat(eye.concat(zeros, 1), 0);
    return similarity.logSoftmax(1).mul(positives).sum().neg().div(2 * n);
  }

  /** Cross-entropy of class logits (N, K) against class indices (N) int64. */
  static NDArray classification(NDArray logits, NDArray labels) {
    return logits.logSoftmax(1).gather(labels.expandDims(1), 1).neg().mean();
  }

  /**
   * Cross-entropy against targets smoothed by {@code epsilon}: {@code 1 - epsilon} on the label, the
   * rest spread evenly over all K classes. Its optimum has finite logits, so a classifier that has
   * separated its few labelled windows stops pushing its logits, and the shared encoder, further.
   */
  static NDArray smoothedClassification(NDArray logits, NDArray labels, float epsilon) {
    NDArray logProbabilities = logits.logSoftmax(1);
    NDArray onLabel = logProbabilities.gather(labels.expandDims(1), 1).neg().mean();
    NDArray uniform = logProbabilities.mean(new int[] {1}).neg().mean();
    return onLabel.mul(1 - epsilon).add(uniform.mul(epsilon));
  }
}
