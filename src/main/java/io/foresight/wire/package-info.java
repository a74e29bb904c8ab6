/**
 * What crosses process boundaries: the checkpoint container that every command writes and reads, and
 * that the stream sends over Kafka unchanged.
 */
package io.foresight.wire;
