package io.foresight.ingest;

import io.foresight.wire.DeadLetters;

/**
 * Why ingest rejected a record. The code is the {@code foresight.reason} header on the DLQ record and
 * the {@code reason} tag of {@code foresight.dlq.records}.
 */
public enum Reason implements DeadLetters.Reason {
  /** The record has no key, or an empty one, or one that is not UTF-8: no entity to file it under. */
  MISSING_KEY("missing-key"),
  /** A key longer than {@link WindowSpec#MAX_KEY_BYTES}: its windows could exceed a Kafka request. */
  OVERSIZED_KEY("oversized-key"),
  /**
   * Not a JSON object, trailing bytes, a missing or non-integer {@code ts}, neither {@code value} nor
   * {@code values} nor {@code end}, both {@code value} and {@code values}, a missing or non-positive
   * {@code intervalMs} for a chunk of several steps, or a field of the wrong type.
   */
  MALFORMED_JSON("malformed-json"),
  /** A step is NaN or infinite: Jackson's non-numeric tokens or the strings "NaN", "Infinity". */
  NON_FINITE("non-finite"),
  /**
   * Integer tokeniser: a step that is not a whole number in [0, V). Real tokeniser: a finite step
   * beyond float32's range (|v| > 3.4e38), which the window format cannot carry.
   */
  OUT_OF_RANGE("out-of-range"),
  /** A chunk with more values than {@link WindowSpec#maxChunk()}. */
  OVERSIZED_CHUNK("oversized-chunk"),
  /** Every step of the record (or its end marker) is older than the entity's last accepted step. */
  OUT_OF_ORDER("out-of-order");

  private final String code;

  Reason(String code) {
    this.code = code;
  }

  /** The short code used as header value and metric tag. */
  @Override
  public String code() {
    return code;
  }
}
