/**
 * Benchmarks whose runs return result records that the {@code bench} commands print. Each reports
 * ratios measured in one run against a baseline measured beside it, because these machines are shared
 * and one absolute time proves little.
 */
package io.foresight.bench;
