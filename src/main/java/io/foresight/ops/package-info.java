/**
 * Operations: the in-process KRaft broker ({@link io.foresight.ops.EmbeddedKafka}) of {@code demo},
 * {@code broker} and the integration tests; the topic definitions of the repository's {@code topics/}
 * folder and the admin that applies and checks them ({@link io.foresight.ops.TopicDefinition},
 * {@link io.foresight.ops.TopicAdmin}) and renders them as Strimzi {@code KafkaTopic} resources
 * ({@link io.foresight.ops.StrimziTopics}); and each service's metrics and health endpoints
 * ({@link io.foresight.ops.MetricsServer}: {@code /metrics}, {@code /health/live},
 * {@code /health/ready}); what keeps a Streams app alive and says when it is not ({@link
 * io.foresight.ops.StreamsHealth}, {@link io.foresight.ops.StreamsErrorHandlers}); the settings every
 * Streams app shares ({@link io.foresight.ops.StreamsApps}) and the memory bound of their RocksDB stores
 * ({@link io.foresight.ops.StateMemory}).
 */
package io.foresight.ops;
