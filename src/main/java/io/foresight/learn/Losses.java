package io.foresight.learn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;

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

  /**
   * TS2Vec's hierarchical contrastive loss on the features of two views of the same steps: at every
   * scale, instance-wise contrast (the same step of the other series of the batch are the negatives)
   * and temporal contrast (the other steps of the same series are), each weighted 1/2; then both views
   * are max-pooled over time by 2 and contrasted again, down to one step, where only instances are
   * contrasted. Similarities are plain dot products, as in TS2Vec. The mean over scales is returned.
   *
   * @param a (N, T, C) features of the first view at the overlapping steps
   * @param b (N, T, C) features of the second view at the same steps
   */
  static NDArray hierarchicalContrast(NDArray a, NDArray b) {
    NDArray total = a.getManager().zeros(new Shape());
    int scales = 0;
    while (a.getShape().get(1) > 1) {
      total = total.add(instanceContrast(a, b).mul(0.5f)).add(temporalContrast(a, b).mul(0.5f));
      scales++;
      a = Pool.maxPool1d(a.transpose(0, 2, 1), new Shape(2), new Shape(2), new Shape(0), false)
          .transpose(0, 2, 1);
      b = Pool.maxPool1d(b.transpose(0, 2, 1), new Shape(2), new Shape(2), new Shape(0), false)
          .transpose(0, 2, 1);
    }
    total = total.add(instanceContrast(a, b).mul(0.5f));
    return total.div(scales + 1);
  }

  /** At each step, series i of one view against every other series of both views. */
  static NDArray instanceContrast(NDArray a, NDArray b) {
    long n = a.getShape().get(0);
    if (n == 1) {
      return a.getManager().zeros(new Shape());
    }
    NDArray z = a.concat(b, 0).transpose(1, 0, 2); // (T, 2N, C)
    return pairedContrast(z, n);
  }

  /** In each series, step t of one view against every other step of both views. */
  static NDArray temporalContrast(NDArray a, NDArray b) {
    long t = a.getShape().get(1);
    if (t == 1) {
      return a.getManager().zeros(new Shape());
    }
    NDArray z = a.concat(b, 1); // (N, 2T, C)
    return pairedContrast(z, t);
  }

  /**
   * Cross-entropy over rows of {@code z z^T} without its diagonal, where row i and row i + half are
   * positives. {@code z} is (G, 2 * half, C); the mean over groups and rows is returned.
   */
  private static NDArray pairedContrast(NDArray z, long half) {
    NDManager manager = z.getManager();
    int rows = (int) (2 * half);
    NDArray similarity = z.matMul(z.transpose(0, 2, 1)).sub(manager.eye(rows).mul(1e9f));
    NDArray eye = manager.eye((int) half);
    NDArray zeros = manager.zeros(eye.getShape(), DataType.FLOAT32);
    NDArray positives = zeros.concat(eye, 1).concat(eye.concat(zeros, 1), 0);
    long groups = z.getShape().get(0);
    return similarity.logSoftmax(2).mul(positives).sum().neg().div(groups * rows);
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
