/**
 * The model: the tokeniser that turns steps into classes, the causal dilated residual 1D CNN encoder,
 * and the heads on top of it (next-step, masked-step, contrastive projection, classifier), all DJL
 * blocks. The same blocks run offline and in the stream; their hyper-parameters travel in
 * {@link io.foresight.model.ModelConfig} inside every checkpoint.
 */
package io.foresight.model;
