package io.foresight.wire;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;

/**
 * Headers on {@code foresight.dlq} records. The record keeps the original key and value bytes; these
 * say who rejected it, why (a short reason code, also the metric tag) and in words.
 */
public final class DeadLetters {

  /** The service that rejected the record: ingest, trainer, scorer. */
  public static final String SERVICE = "foresight.service";
  /** A reason code such as {@code malformed-json}, {@code missing-key}, {@code non-finite}. */
  public static final String REASON = "foresight.reason";
  /** A sentence for the humans reading the DLQ. */
  public static final String ERROR = "foresight.error";
  /** Where the record came from: topic, partition and offset. */
  public static final String SOURCE_TOPIC = "foresight.source.topic";
  public static final String SOURCE_PARTITION = "foresight.source.partition";
  public static final String SOURCE_OFFSET = "foresight.source.offset";

  private DeadLetters() {}

  public static void add(Headers headers, String name, Object value) {
    headers.add(name, String.valueOf(value).getBytes(StandardCharsets.UTF_8));
  }

  /** The last value of a header as a string, or null. */
  public static String get(Headers headers, String name) {
    var header = headers.lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }
}
