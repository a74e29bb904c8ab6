package io.foresight.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import io.foresight.model.Tokenizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * Reads one {@code foresight.timesteps} value with Jackson's streaming parser, into fields this object
 * reuses from record to record: no tree, no boxing, one float array grown to the largest chunk seen.
 *
 * <p>Accepted: {@code {"ts": t, "value": v}}, {@code {"ts": t0, "intervalMs": i, "values": [v...]}}
 * (step k at {@code t0 + k*i}; {@code intervalMs} may be left out for a single value), and
 * {@code {"ts": t, "end": true}}; {@code end} may also ride on a step or a chunk, closing the sequence
 * after them. Unknown fields are ignored. {@code ts} is a non-negative integer. Non-numeric numbers
 * ({@code NaN}, {@code Infinity}, unquoted as Jackson's ALLOW_NON_NUMERIC_NUMBERS reads them, or quoted
 * as strings) are rejected as {@link Reason#NON_FINITE}, not as malformed, so the DLQ says what is
 * wrong. A value problem in a chunk rejects the whole record: the DLQ keeps records whole.
 *
 * <p>Not thread-safe: one per processor instance.
 */
final class TimestepParser {

  private static final JsonFactory FACTORY =
      JsonFactory.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

  private final boolean integerMode;
  private final int vocabulary;
  private final int maxChunk;

  /** Event time of the first step, or of the end marker. */
  long ts;
  /** Millis between consecutive steps of a chunk (0 for a single step). */
  long intervalMs;
  /** The record closes the entity's sequence (after its steps, if it has any). */
  boolean end;
  /** Steps read; valid in {@code values[0, count)}. */
  int count;
  /** The steps as floats; reused, longer than {@code count}. */
  float[] values = new float[16];
  /** Why the last record was rejected, or null when it was accepted. */
  Reason reason;
  /** A sentence saying what was wrong, for the DLQ's error header. */
  String error;

  private Reason valueReason;
  private String valueError;

  TimestepParser(Tokenizer tokenizer, int maxChunk) {
    this.integerMode = tokenizer.mode() == Tokenizer.Mode.INTEGER;
    this.vocabulary = tokenizer.vocabulary();
    this.maxChunk = maxChunk;
  }

  /** Parses {@code bytes}; true when the record is usable, else {@link #reason} and {@link #error} say why not. */
  boolean parse(byte[] bytes) {
    reset();
    if (bytes != null && scanPlain(bytes)) {
      plainRecords++;
      return true;
    }
    reset();
    return parseJson(bytes);
  }

  private void reset() {
    ts = 0;
    intervalMs = 0;
    end = false;
    count = 0;
    reason = null;
    error = null;
    valueReason = null;
    valueError = null;
  }

  /**
   * The same as {@link #parse} but always with Jackson: what {@link #scanPlain} must agree with, and
   * what every record it does not accept goes through.
   */
  boolean parseJson(byte[] bytes) {
    if (bytes == null || bytes.length == 0) {
      return fail(Reason.MALFORMED_JSON, "the record has no value; expected a JSON timestep object");
    }
    boolean hasTs = false;
    boolean hasInterval = false;
    boolean hasValue = false;
    boolean hasValues = false;
    int total = 0;
    try (JsonParser p = FACTORY.createParser(bytes)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return fail(Reason.MALFORMED_JSON, "a timestep record must be a JSON object");
      }
      JsonToken token;
      while ((token = p.nextToken()) == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken v = p.nextToken();
        switch (name) {
          case "ts" -> {
            if (!isLong(p, v) || p.getLongValue() < 0) {
              return fail(Reason.MALFORMED_JSON, "ts must be a non-negative integer (epoch millis)");
            }
            ts = p.getLongValue();
            hasTs = true;
          }
          case "intervalMs" -> {
            if (!isLong(p, v) || p.getLongValue() < 1) {
              return fail(Reason.MALFORMED_JSON, "intervalMs must be a positive integer (millis)");
            }
            intervalMs = p.getLongValue();
            hasInterval = true;
          }
          case "value" -> {
            if (hasValue) {
              return fail(Reason.MALFORMED_JSON, "value appears twice");
            }
            hasValue = true;
            if (!readStep(p, v, 0)) {
              return false;
            }
          }
          case "values" -> {
            if (hasValues) {
              return fail(Reason.MALFORMED_JSON, "values appears twice");
            }
            hasValues = true;
            if (v != JsonToken.START_ARRAY) {
              return fail(Reason.MALFORMED_JSON, "values must be an array of numbers");
            }
            JsonToken item;
            while ((item = p.nextToken()) != JsonToken.END_ARRAY) {
              if (item == null) {
                return fail(Reason.MALFORMED_JSON, "values is not closed");
              }
              if (total < maxChunk) {
                if (!readStep(p, item, total)) {
                  return false;
                }
              } else if (item == JsonToken.START_ARRAY || item == JsonToken.START_OBJECT) {
                return fail(Reason.MALFORMED_JSON, "step " + total + " must be a number");
              }
              total++;
            }
          }
          case "end" -> {
            if (v != JsonToken.VALUE_TRUE && v != JsonToken.VALUE_FALSE) {
              return fail(Reason.MALFORMED_JSON, "end must be true or false");
            }
            end = v == JsonToken.VALUE_TRUE;
          }
          default -> p.skipChildren();
        }
      }
      if (token != JsonToken.END_OBJECT) {
        return fail(Reason.MALFORMED_JSON, "not valid JSON: the object is not closed");
      }
      if (p.nextToken() != null) {
        return fail(Reason.MALFORMED_JSON, "not valid JSON: content after the timestep object");
      }
    } catch (JsonProcessingException e) {
      return fail(Reason.MALFORMED_JSON, "not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      return fail(Reason.MALFORMED_JSON, "unreadable record: " + e.getMessage());
    }
    if (!hasTs) {
      return fail(Reason.MALFORMED_JSON, "ts is missing");
    }
    if (hasValue && hasValues) {
      return fail(Reason.MALFORMED_JSON, "a record carries value or values, not both");
    }
    if (!hasValue && !hasValues && !end) {
      return fail(Reason.MALFORMED_JSON, "a record needs value, values or \"end\": true");
    }
    if (hasValues && total == 0 && !end) {
      return fail(Reason.MALFORMED_JSON, "values is empty");
    }
    if (total > maxChunk) {
      return fail(
          Reason.OVERSIZED_CHUNK,
          "the chunk has " + total + " values; at most " + maxChunk + " are accepted per record");
    }
    if (valueReason != null) {
      return fail(valueReason, valueError);
    }
    count = hasValue ? 1 : total;
    if (count > 1) {
      if (!hasInterval) {
        return fail(Reason.MALFORMED_JSON, "a chunk of several values needs intervalMs");
      }
      if ((Long.MAX_VALUE - ts) / (count - 1) < intervalMs) {
        return fail(Reason.MALFORMED_JSON, "the chunk's last step lies beyond the largest timestamp");
      }
    } else if (!hasInterval) {
      intervalMs = 0;
    }
    return true;
  }

  // ---- the plain-record scanner ----------------------------------------------------------------

  /*
   * Most records are one small object of known fields holding plain numbers, and Jackson's general
   * machinery (a parser object, a name table, token dispatch) took about a fifth of ingest's stream
   * thread on them. scanPlain reads exactly that shape straight from the bytes: an object of ts,
   * intervalMs, value, values and end, each at most once, JSON numbers and true/false, whitespace. It
   * answers true only for a record it has read whole and found valid, leaving the same fields as
   * parseJson would; on anything else (another field, a string, a duplicate, a value out of range, an
   * error of any kind) it answers false and parseJson reads the record again, so that every
   * rejection and its message come from one place. TimestepParserTest checks the two agree.
   */

  /** Records {@link #scanPlain} accepted (for tests: the common shapes must not fall back). */
  long plainRecords;

  private int at;

  private boolean scanPlain(byte[] b) {
    at = 0;
    if (!skipTo(b, '{')) {
      return false;
    }
    boolean hasTs = false;
    boolean hasInterval = false;
    boolean hasValue = false;
    boolean hasValues = false;
    skipSpace(b);
    if (at < b.length && b[at] == '}') {
      return false; // an empty object: not a usable record, parseJson says why
    }
    while (true) {
      int field = fieldName(b);
      if (field < 0 || !skipTo(b, ':')) {
        return false;
      }
      skipSpace(b);
      switch (field) {
        case TS -> {
          if (hasTs || !readLong(b) || number < 0) {
            return false;
          }
          ts = number;
          hasTs = true;
        }
        case INTERVAL -> {
          if (hasInterval || !readLong(b) || number < 1) {
            return false;
          }
          intervalMs = number;
          hasInterval = true;
        }
        case VALUE -> {
          if (hasValue || !readStep(b, 0)) {
            return false;
          }
          hasValue = true;
        }
        case VALUES -> {
          if (hasValues || !readSteps(b)) {
            return false;
          }
          hasValues = true;
        }
        default -> { // END
          if (!readBoolean(b)) {
            return false;
          }
        }
      }
      skipSpace(b);
      if (at >= b.length) {
        return false;
      }
      if (b[at] == '}') {
        at++;
        break;
      }
      if (b[at++] != ',') {
        return false;
      }
    }
    skipSpace(b);
    if (at != b.length || !hasTs || (hasValue && hasValues) || (!hasValue && !hasValues && !end)) {
      return false;
    }
    if (hasValue) {
      count = 1;
    }
    if (hasValues && count == 0 && !end) {
      return false;
    }
    if (count > 1 && (!hasInterval || (Long.MAX_VALUE - ts) / (count - 1) < intervalMs)) {
      return false;
    }
    if (count <= 1 && !hasInterval) {
      intervalMs = 0;
    }
    return true;
  }

  private static final int TS = 0;
  private static final int INTERVAL = 1;
  private static final int VALUE = 2;
  private static final int VALUES = 3;
  private static final int END = 4;
  private static final byte[][] FIELDS = {
      "\"ts\"".getBytes(StandardCharsets.US_ASCII),
      "\"intervalMs\"".getBytes(StandardCharsets.US_ASCII),
      "\"value\"".getBytes(StandardCharsets.US_ASCII),
      "\"values\"".getBytes(StandardCharsets.US_ASCII),
      "\"end\"".getBytes(StandardCharsets.US_ASCII)};

  /** After optional whitespace, one of the known quoted field names: its index, or -1. */
  private int fieldName(byte[] b) {
    skipSpace(b);
    for (int f = 0; f < FIELDS.length; f++) {
      byte[] name = FIELDS[f];
      if (Arrays.equals(b, at, Math.min(b.length, at + name.length), name, 0, name.length)) {
        at += name.length;
        return f;
      }
    }
    return -1;
  }

  /** A value read by {@link #readLong}. */
  private long number;

  /** A JSON integer of at most 18 digits (so that it fits a long) into {@link #number}. */
  private boolean readLong(byte[] b) {
    boolean negative = at < b.length && b[at] == '-';
    int start = negative ? at + 1 : at;
    int end = start;
    long n = 0;
    while (end < b.length && b[end] >= '0' && b[end] <= '9') {
      n = n * 10 + (b[end] - '0');
      end++;
    }
    int digits = end - start;
    if (digits == 0 || digits > 18 || (digits > 1 && b[start] == '0')
        || (end < b.length && (b[end] == '.' || b[end] == 'e' || b[end] == 'E'))) {
      return false;
    }
    number = negative ? -n : n;
    at = end;
    return true;
  }

  /** One step as a JSON number, valid for the tokeniser, into values[index]. */
  private boolean readStep(byte[] b, int index) {
    int start = at;
    double d;
    if (readLong(b)) {
      d = number;
    } else {
      int end = jsonNumberEnd(b, start);
      if (end < 0) {
        return false;
      }
      d = Double.parseDouble(new String(b, start, end - start, StandardCharsets.US_ASCII));
      at = end;
    }
    if (problem(d) != null) {
      return false;
    }
    store(index, d);
    return true;
  }

  /** An array of steps, at most maxChunk of them, into values; sets {@link #count}. */
  private boolean readSteps(byte[] b) {
    if (at >= b.length || b[at++] != '[') {
      return false;
    }
    skipSpace(b);
    int n = 0;
    if (at < b.length && b[at] == ']') {
      at++;
      count = 0;
      return true;
    }
    while (true) {
      if (n >= maxChunk || !readStep(b, n)) {
        return false;
      }
      n++;
      skipSpace(b);
      if (at >= b.length) {
        return false;
      }
      byte c = b[at++];
      if (c == ']') {
        count = n;
        return true;
      }
      if (c != ',') {
        return false;
      }
      skipSpace(b);
    }
  }

  private boolean readBoolean(byte[] b) {
    if (startsWith(b, "true")) {
      end = true;
      at += 4;
      return true;
    }
    if (startsWith(b, "false")) {
      end = false;
      at += 5;
      return true;
    }
    return false;
  }

  private boolean startsWith(byte[] b, String word) {
    if (at + word.length() > b.length) {
      return false;
    }
    for (int i = 0; i < word.length(); i++) {
      if (b[at + i] != word.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** End of a JSON number (RFC 8259 grammar) starting at {@code i}, or -1 when there is none. */
  private static int jsonNumberEnd(byte[] b, int i) {
    if (i < b.length && b[i] == '-') {
      i++;
    }
    int digits = i;
    while (i < b.length && b[i] >= '0' && b[i] <= '9') {
      i++;
    }
    if (i == digits || (i - digits > 1 && b[digits] == '0')) {
      return -1;
    }
    if (i < b.length && b[i] == '.') {
      int fraction = ++i;
      while (i < b.length && b[i] >= '0' && b[i] <= '9') {
        i++;
      }
      if (i == fraction) {
        return -1;
      }
    }
    if (i < b.length && (b[i] == 'e' || b[i] == 'E')) {
      i++;
      if (i < b.length && (b[i] == '+' || b[i] == '-')) {
        i++;
      }
      int exponent = i;
      while (i < b.length && b[i] >= '0' && b[i] <= '9') {
        i++;
      }
      if (i == exponent) {
        return -1;
      }
    }
    return i;
  }

  private void skipSpace(byte[] b) {
    while (at < b.length && (b[at] == ' ' || b[at] == '\n' || b[at] == '\r' || b[at] == '\t')) {
      at++;
    }
  }

  /** After optional whitespace, the byte {@code c}. */
  private boolean skipTo(byte[] b, char c) {
    skipSpace(b);
    if (at < b.length && b[at] == c) {
      at++;
      return true;
    }
    return false;
  }

  /** Event time of step {@code i} of the last parsed record. */
  long stepTs(int i) {
    return ts + i * intervalMs;
  }

  /** Event time of the last step (the marker's ts when there are none). */
  long lastStepTs() {
    return count == 0 ? ts : ts + (count - 1) * intervalMs;
  }

  private static boolean isLong(JsonParser p, JsonToken v) throws IOException {
    return v == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER;
  }

  /** Reads one step into values[index]; false (failed) only on a type error. */
  private boolean readStep(JsonParser p, JsonToken token, int index) throws IOException {
    double d;
    if (token == JsonToken.VALUE_NUMBER_INT) {
      d = p.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? p.getDoubleValue() : p.getLongValue();
    } else if (token == JsonToken.VALUE_NUMBER_FLOAT) {
      d = p.getDoubleValue();
    } else if (token == JsonToken.VALUE_STRING && isNonFiniteWord(p.getText())) {
      d = Double.NaN;
    } else {
      return fail(Reason.MALFORMED_JSON, "step " + index + " must be a number, got " + describe(token));
    }
    store(index, d);
    Reason problem = valueReason == null ? problem(d) : null;
    if (problem == Reason.NON_FINITE) {
      valueError = "step " + index + " is " + (token == JsonToken.VALUE_STRING ? "\"" + p.getText() + "\"" : d)
          + "; steps must be finite numbers";
    } else if (problem != null && integerMode) {
      valueError = String.format(
          Locale.ROOT, "step %d is %s; the integer tokeniser takes whole numbers in [0, %d)", index,
          p.getText(), vocabulary);
    } else if (problem != null) {
      valueError = "step " + index + " is " + p.getText() + ", beyond the float32 range of windows";
    }
    if (problem != null) {
      valueReason = problem;
    }
    return true;
  }

  /**
   * Why a step's value is not accepted, or null: not finite; in integer mode not a whole number in
   * [0, V); otherwise beyond float32. Both readers decide by this one rule.
   */
  private Reason problem(double d) {
    if (!Double.isFinite(d)) {
      return Reason.NON_FINITE;
    }
    boolean inRange = integerMode ? d >= 0 && d < vocabulary && d == Math.rint(d) : !Float.isInfinite((float) d);
    return inRange ? null : Reason.OUT_OF_RANGE;
  }

  /** Stores step {@code index} as a float, growing the array up to maxChunk. */
  private void store(int index, double d) {
    if (index >= values.length) {
      values = Arrays.copyOf(values, Math.min(maxChunk, Math.max(index + 1, values.length * 2)));
    }
    values[index] = (float) d;
  }

  private static boolean isNonFiniteWord(String s) {
    String t = s.trim().toLowerCase(Locale.ROOT);
    if (t.startsWith("+") || t.startsWith("-")) {
      t = t.substring(1);
    }
    return t.equals("nan") || t.equals("infinity") || t.equals("inf");
  }

  private static String describe(JsonToken token) {
    return switch (token) {
      case VALUE_STRING -> "a string";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "null";
      case START_ARRAY -> "an array";
      case START_OBJECT -> "an object";
      default -> token.toString();
    };
  }

  private boolean fail(Reason why, String sentence) {
    reason = why;
    error = sentence;
    count = 0;
    return false;
  }
}
