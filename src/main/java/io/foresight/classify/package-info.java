/**
 * Classification on frozen features, the same offline and live: {@link
 * io.foresight.classify.CombinedProbe} fits ridge (or logistic) regression on MiniRocket's features
 * beside the encoder's embedding, choosing the embedding's share by cross-validation; {@link
 * io.foresight.classify.FittedClassifier} is that classifier as the live trainer fits it on labelled
 * windows and a checkpoint carries it (MiniRocket parameters, folded weights, a calibrated
 * temperature, its cross-validated accuracy), written by {@link
 * io.foresight.classify.FittedClassifierCodec}.
 */
package io.foresight.classify;
