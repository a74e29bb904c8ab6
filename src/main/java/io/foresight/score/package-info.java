/**
 * Scoring: the Kafka Streams topology from {@code foresight.windows} to classifications and embeddings,
 * micro-batched through DJL in one batch per stream thread across its tasks ({@code ThreadBatch}), and
 * the model holder that swaps in new checkpoints from {@code foresight.models} without a restart.
 */
package io.foresight.score;
