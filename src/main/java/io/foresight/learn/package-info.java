/**
 * Learning: the pretext objectives (next-step, masked-step, temporal-contrastive InfoNCE and TS2Vec's
 * hierarchical contrast on {@link io.foresight.learn.CropPair} views), batching of variable-length
 * series, the training loops (pretraining, fine-tuning, the supervised baseline), the probes on frozen
 * features (the SVM probe and {@link io.foresight.learn.CombinedProbe}, the embedding beside MiniRocket's
 * features), inference of embeddings and surprise, and the evaluation protocol behind {@code evaluate}.
 */
package io.foresight.learn;
