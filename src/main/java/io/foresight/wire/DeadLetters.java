package io.foresight.wire;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Rejected records on {@code foresight.dlq}, the one path every service files them by. A dead letter
 * keeps the original key, value, timestamp and headers; these headers say who rejected it, why (a short
 * reason code, also the metric tag) and in words, and where it came from.
 *
 * <p>Each service registers its reasons once ({@link #register}), which puts {@code
 * foresight.dlq.records} (counter, tags {@code service}, {@code reason}) at zero for every one of them,
 * so dashboards show a rate before the first rejection; {@link #headers} then counts the rejection and
 * builds the headers in one call.
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

  /** Headers naming the original size of a key or value cut to fit a Kafka request. */
  public static final String TRUNCATED_KEY = "foresight.truncated.key.bytes";
  public static final String TRUNCATED_VALUE = "foresight.truncated.value.bytes";

  /** Partition or offset not known (a record built by a punctuator, say): the header is left out. */
  public static final long UNKNOWN = -1;

  /** Why a record was rejected; {@link #code()} is the header value and the metric tag. */
  public interface Reason {
    String code();
  }

  private final String service;
  private final Map<String, Counter> counters = new HashMap<>();

  private DeadLetters(String service) {
    this.service = service;
  }

  /** The dead letters of {@code service}, with a counter at zero for each of its reasons. */
  public static DeadLetters register(MeterRegistry registry, String service, Reason... reasons) {
    DeadLetters letters = new DeadLetters(service);
    for (Reason reason : reasons) {
      letters.counters.put(reason.code(), Counter.builder("foresight.dlq.records")
          .description("Records sent to foresight.dlq")
          .tag("service", service)
          .tag("reason", reason.code())
          .register(registry));
    }
    return letters;
  }

  /**
   * Counts one rejection and returns the headers of its DLQ record: {@code original}'s (copied; null
   * for none) and ours.
   *
   * @param partition the source partition, or {@link #UNKNOWN}
   * @param offset the source offset, or {@link #UNKNOWN}
   */
  public Headers headers(
      Reason reason, String error, Headers original, String topic, long partition, long offset) {
    Counter counter = counters.get(reason.code());
    if (counter == null) {
      throw new IllegalArgumentException(reason.code() + " is not a registered reason of " + service);
    }
    counter.increment();
    Headers headers = original == null ? new RecordHeaders() : new RecordHeaders(original.toArray());
    add(headers, SERVICE, service);
    add(headers, REASON, reason.code());
    add(headers, ERROR, error);
    add(headers, SOURCE_TOPIC, topic);
    if (partition != UNKNOWN) {
      add(headers, SOURCE_PARTITION, partition);
    }
    if (offset != UNKNOWN) {
      add(headers, SOURCE_OFFSET, offset);
    }
    return headers;
  }

  /** A dead letter's key and value as sent: the original ones, or cut to fit a request. */
  public record Fitted(byte[] key, byte[] value) {}

  /**
   * The key and value of a dead letter that fits a request of {@code maxRequestBytes} beside its
   * headers: a rejected record near the broker's limit plus our headers may not, and a refused send
   * would fail the sender (under exactly-once, its whole transaction). The value is cut first, then the
   * key; {@link #TRUNCATED_VALUE} and {@link #TRUNCATED_KEY} on {@code headers} keep the original sizes.
   */
  public static Fitted cutToFit(byte[] key, byte[] value, Headers headers, int maxRequestBytes) {
    int room = maxRequestBytes - Topics.RECORD_OVERHEAD_BYTES;
    int keyLength = key == null ? 0 : key.length;
    if (value != null && keyLength + value.length > room) {
      add(headers, TRUNCATED_VALUE, value.length);
      value = java.util.Arrays.copyOf(value, Math.max(0, room - keyLength));
    }
    if (key != null && key.length > room) {
      add(headers, TRUNCATED_KEY, key.length);
      key = java.util.Arrays.copyOf(key, room);
      value = value == null ? null : new byte[0];
    }
    return new Fitted(key, value);
  }

  public static void add(Headers headers, String name, Object value) {
    headers.add(name, String.valueOf(value).getBytes(StandardCharsets.UTF_8));
  }

  /** The last value of a header as a string, or null. */
  public static String get(Headers headers, String name) {
    var header = headers.lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }
}
