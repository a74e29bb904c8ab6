/**
 * The command line: {@code java -jar target/foresight.jar <command>}, one picocli command per file. The
 * offline commands ({@code pretrain}, {@code finetune}, {@code embed}, {@code evaluate}, {@code bench})
 * read dataset files and read or write checkpoints.
 */
package io.foresight.cli;
