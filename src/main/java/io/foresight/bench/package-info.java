/**
 * Benchmarks whose runs return result records that the {@code bench} commands print. Each reports
 * ratios measured in one run against a baseline measured beside it, because these machines are shared
 * and one absolute time proves little. {@link io.foresight.bench.FaultRun} is the exception: it measures
 * correctness (nothing lost or duplicated across kill -9s of every process), and restore times only as
 * a figure of that run.
 */
package io.foresight.bench;
