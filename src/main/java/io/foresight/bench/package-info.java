/**
 * Benchmarks whose runs return result records that the {@code bench} commands print: training
 * throughput ({@link io.foresight.bench.TrainingThroughputBench}), MiniRocket's speed ({@link
 * io.foresight.bench.MiniRocketBench}), the ingest and scorer Streams apps against plain baselines
 * ({@link io.foresight.bench.IngestBench}, {@link io.foresight.bench.ScorerBench}), end-to-end latency
 * ({@link io.foresight.bench.EndToEndBench}) and the fault suite ({@link io.foresight.bench.FaultRun}).
 * Each reports ratios measured in one run against a baseline measured beside it, in alternating rounds
 * ({@link io.foresight.bench.Rounds}), because these machines are shared and one absolute time proves
 * little. {@link io.foresight.bench.FaultRun} is the exception: it measures correctness (nothing lost or
 * duplicated across kill -9s of every process), and restore times only as a figure of that run. The
 * scale run ({@link io.foresight.bench.ScaleRun}) compares fleet sizes instead: each figure as a ratio to
 * the smallest fleet of the same invocation.
 */
package io.foresight.bench;
