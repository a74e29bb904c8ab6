/**
 * Learning: the pretext objectives (next-step, masked-step, temporal-contrastive InfoNCE), batching of
 * variable-length series, the training loops (pretraining, fine-tuning, the supervised baseline), the
 * SVM probe, inference of embeddings and surprise, and the evaluation protocol behind {@code evaluate}.
 */
package io.foresight.learn;
