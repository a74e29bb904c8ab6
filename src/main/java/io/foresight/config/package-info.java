/**
 * Typed settings and where they come from. Precedence, lowest first: each option's default, the
 * properties file ({@code --config} or {@code FORESIGHT_CONFIG}), {@code FORESIGHT_*} environment
 * variables, command-line flags. {@link io.foresight.config.Settings} is the picocli default-value
 * provider every command shares; {@link io.foresight.config.KafkaSettings} carries bootstrap servers and
 * any Kafka client property passed through ({@code kafka.*} keys, {@code FORESIGHT_KAFKA_*} variables,
 * {@code --kafka-property}), so TLS and SASL need no code.
 */
package io.foresight.config;
