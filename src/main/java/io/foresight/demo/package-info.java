/**
 * The whole system in one JVM: an in-process Kafka broker, its topics, a producer (simulated fleet or
 * dataset replay), ingest, trainer and scorer, a monitor reading the outputs as a user would, progress
 * lines and a JSON report.
 */
package io.foresight.demo;
