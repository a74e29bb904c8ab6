/**
 * What crosses process boundaries: topic names, the window record and its binary codec, the JSON
 * records users produce and consume (labels, classifications, embeddings), dead letters (headers and counters, one path for every service), and
 * the checkpoint container that every command writes and reads and that the stream sends over Kafka
 * unchanged.
 */
package io.foresight.wire;
