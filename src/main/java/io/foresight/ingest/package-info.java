/**
 * Ingest: the Kafka Streams topology that turns users' timesteps ({@code foresight.timesteps}, JSON
 * single steps, chunks and end markers) into windows ({@code foresight.windows}), one per-entity
 * buffer in a RocksDB store with a changelog (kept decoded in front of it and written behind before
 * each commit: {@link io.foresight.ingest.BufferStore}), and sends every record it cannot use to
 * {@code foresight.dlq} with its original bytes and a reason. {@link io.foresight.ingest.WindowSpec}
 * says how windows are cut, {@link io.foresight.ingest.WindowingTopology#build} builds the topology
 * (the same method in production and under {@code TopologyTestDriver}); {@link
 * io.foresight.ingest.IngestService} runs it as a Streams app, with outputs bounded to fit a Kafka
 * request, a processing-exception handler and thread health; the Streams settings come from {@link
 * io.foresight.ops.StreamsApps}, shared with the scorer.
 */
package io.foresight.ingest;
