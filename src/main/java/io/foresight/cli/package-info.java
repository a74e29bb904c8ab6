/**
 * The command line: {@code java -jar target/foresight.jar <command>}, one picocli command per file. The
 * offline commands ({@code pretrain}, {@code finetune}, {@code embed}, {@code evaluate}, {@code bench})
 * read dataset files and read or write checkpoints; {@code broker} runs a single-node Kafka broker in
 * process and {@code topics} creates or updates Foresight's topics. Every option takes its default from
 * {@link io.foresight.config.Settings} (properties file, {@code FORESIGHT_*} environment); shared option
 * groups are mixins: {@link io.foresight.cli.KafkaOptions}, {@link io.foresight.cli.MetricsOptions}.
 */
package io.foresight.cli;
