package io.foresight.data;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.core.io.NumberOutput;
import java.nio.charset.StandardCharsets;

/**
 * Writes the JSON values of {@code foresight.timesteps} and {@code foresight.labels} exactly as
 * DESIGN.md lays them out:
 *
 * <pre>
 *   single step   {"ts":1700000000000,"value":3}
 *   chunk         {"ts":1700000000000,"intervalMs":10,"values":[3,4,5]}
 *   end marker    {"ts":1700000000030,"end":true}
 *   label         {"label":"pump-cavitation"}   or   {"label":"x","from":t0,"to":t1}
 * </pre>
 *
 * <p>Whole numbers (|v| &lt; 2<sup>53</sup>) are written as JSON integers ({@code 3}, not {@code 3.0});
 * other values as the shortest decimal that reads back to the same double (Schubfach, via Jackson's
 * {@link NumberOutput}). Non-finite values have no JSON form and are rejected. The builders write by
 * hand into a {@link StringBuilder}: a producer calls them hundreds of thousands of times a second.
 */
public final class TimestepRecords {

  /** Beyond this, not every whole double is a distinct long-representable integer readers agree on. */
  private static final double MAX_EXACT_INTEGER = 9_007_199_254_740_992.0; // 2^53

  private TimestepRecords() {}

  /** {@code {"ts":ts,"value":v}}. */
  public static byte[] single(long ts, double value) {
    StringBuilder json = new StringBuilder(40);
    json.append("{\"ts\":").append(ts).append(",\"value\":");
    appendNumber(json, value);
    return ascii(json.append('}'));
  }

  /** {@code {"ts":ts0,"intervalMs":i,"values":[...]}} of {@code values[0..count)}. */
  public static byte[] chunk(long ts0, long intervalMs, double[] values, int count) {
    if (count < 1 || count > values.length) {
      throw new IllegalArgumentException("chunk of " + count + " values from an array of " + values.length);
    }
    StringBuilder json = new StringBuilder(48 + 4 * count);
    json.append("{\"ts\":").append(ts0).append(",\"intervalMs\":").append(intervalMs).append(",\"values\":[");
    for (int i = 0; i < count; i++) {
      if (i > 0) {
        json.append(',');
      }
      appendNumber(json, values[i]);
    }
    return ascii(json.append("]}"));
  }

  /** {@code {"ts":ts0,"intervalMs":i,"values":[...]}} of all of {@code values}. */
  public static byte[] chunk(long ts0, long intervalMs, double... values) {
    return chunk(ts0, intervalMs, values, values.length);
  }

  /** {@code {"ts":ts,"end":true}}: the sequence of this entity is complete. */
  public static byte[] end(long ts) {
    return ascii(new StringBuilder(32).append("{\"ts\":").append(ts).append(",\"end\":true}"));
  }

  /** {@code {"label":"x"}}: a label for the entity's whole sequence. */
  public static byte[] label(String label) {
    return label(label, null, null);
  }

  /** {@code {"label":"x","from":f,"to":t}}, leaving out {@code from}/{@code to} when null. */
  public static byte[] label(String label, Long from, Long to) {
    if (label == null || label.isEmpty()) {
      throw new IllegalArgumentException("a label must be a non-empty string");
    }
    StringBuilder json = new StringBuilder(24 + label.length());
    json.append("{\"label\":\"");
    JsonStringEncoder.getInstance().quoteAsString(label, json);
    json.append('"');
    if (from != null) {
      json.append(",\"from\":").append(from.longValue());
    }
    if (to != null) {
      json.append(",\"to\":").append(to.longValue());
    }
    // Labels may hold any Unicode; everything else here is ASCII.
    return json.append('}').toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Appends {@code value} as a JSON number: an integer when whole, else shortest round-trip. */
  static void appendNumber(StringBuilder json, double value) {
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException("non-finite value " + value + " has no JSON form");
    }
    if (value == Math.rint(value) && Math.abs(value) < MAX_EXACT_INTEGER) {
      json.append((long) value);
    } else {
      json.append(NumberOutput.toString(value, true));
    }
  }

  private static byte[] ascii(StringBuilder json) {
    int n = json.length();
    byte[] bytes = new byte[n];
    for (int i = 0; i < n; i++) {
      bytes[i] = (byte) json.charAt(i);
    }
    return bytes;
  }
}
