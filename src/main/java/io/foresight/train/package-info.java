/**
 * The live {@code trainer} service: {@link io.foresight.train.TrainerService} reads windows and labels
 * from Kafka, trains the encoder with the self-supervised objective ({@link
 * io.foresight.learn.ContinuousTrainer}), keeps the labelled windows and the labels users send
 * ({@link io.foresight.train.LabelledWindows}), fits the classifier on their frozen features
 * ({@link io.foresight.train.LiveClassifier}) and publishes checkpoints; its meters are in {@link
 * io.foresight.train.TrainerMetrics}. The offline algorithms it uses live in {@code learn} and
 * {@code classify}.
 */
package io.foresight.train;
