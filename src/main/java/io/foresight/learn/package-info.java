/**
 * Learning: the pretext objectives (next-step, masked-step, temporal-contrastive InfoNCE and TS2Vec's
 * hierarchical contrast on {@link io.foresight.learn.CropPair} views), batching of variable-length
 * series, the training loops (pretraining, fine-tuning, the supervised baseline, the continuous
 * self-supervised training the live trainer runs, and the bare loop {@code bench train} holds
 * pretraining against), the SVM probe, inference of embeddings and surprise, and the evaluation
 * protocol behind {@code evaluate}.
 */
package io.foresight.learn;
